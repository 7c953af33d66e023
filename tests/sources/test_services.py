import datetime
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from sources.models import Domain, Kind, Reliability, Source
from sources.selectors import sources_of_projects
from sources.services import (
    find_or_create_source,
    find_or_create_sources,
    get_or_create_source,
    remove_domain_entry,
    set_domain_reliability,
    update_domain_entry,
    update_source,
)
from tests.factories import make_project, make_user

pytestmark = pytest.mark.django_db


def effective(source: Source) -> str:
    return sources_of_projects([source.project_id]).get(pk=source.pk).effective_reliability


def test_one_page_under_many_spellings_is_one_source():
    project = make_project()
    first = find_or_create_source(project=project, url="https://www.example.org/story?id=7")
    for spelling in [
        "HTTPS://WWW.EXAMPLE.ORG:443/story?id=7#comments",
        "https://www.example.org/story?utm_source=twitter&id=7&fbclid=abc",
        "  https://www.example.org/story?id=7  ",
    ]:
        assert find_or_create_source(project=project, url=spelling) == first
    assert Source.objects.count() == 1
    assert first.url == "https://www.example.org/story?id=7"
    assert first.domain == "example.org"


def test_the_same_page_in_two_projects_is_two_sources():
    url = "https://example.org/report.pdf"
    one = find_or_create_source(project=make_project(), url=url)
    other = find_or_create_source(project=make_project(), url=url)
    assert one.pk != other.pk


def test_different_query_parameters_are_different_pages():
    project = make_project()
    one = find_or_create_source(project=project, url="https://example.org/story?id=7")
    other = find_or_create_source(project=project, url="https://example.org/story?id=8")
    assert one.pk != other.pk


def test_a_title_fills_an_untitled_source_but_never_replaces_one():
    project = make_project()
    source = find_or_create_source(project=project, url="https://example.org/a")
    assert source.title == ""
    assert (
        find_or_create_source(project=project, url="https://example.org/a", title=" Report ").title
        == "Report"
    )
    again = find_or_create_source(project=project, url="https://example.org/a", title="Another title")
    assert again.title == "Report"
    assert Source.objects.get(pk=source.pk).title == "Report"


def test_get_or_create_says_whether_the_source_is_new_and_details_only_apply_to_new_ones():
    project = make_project()
    source, created = get_or_create_source(
        project=project,
        url="https://stats.example.org/t1.csv",
        kind=Kind.DATASET,
        publisher="Statistics office",
    )
    assert created
    assert (source.kind, source.publisher) == (Kind.DATASET, "Statistics office")
    again, created = get_or_create_source(
        project=project, url="https://stats.example.org/t1.csv", kind=Kind.OTHER
    )
    assert not created
    assert again.pk == source.pk
    assert Source.objects.get(pk=source.pk).kind == Kind.DATASET


def wait_until_a_query_waits_for_a_lock(timeout: float = 10.0) -> bool:
    """Whether, within ``timeout``, another connection to this database is blocked on a lock (read
    from PostgreSQL's own pg_stat_activity, on this thread's connection)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs two open transactions, which PostgreSQL's row locks order",
)
def test_losing_a_creation_race_returns_the_winners_source():
    """Another transaction has inserted the page's row but not committed when this one looks it up:
    the lookup misses it, the insert waits on the unique index until the winner commits, and the
    winner's row comes back (with this caller's title, since it had none)."""
    project = make_project()
    url = "https://example.org/race"
    inserted, commit, blocked = threading.Event(), threading.Event(), threading.Event()
    winner = {}

    def insert_and_hold():
        try:
            with transaction.atomic():
                winner["source"] = find_or_create_source(project=project, url=url)
                inserted.set()
                commit.wait(10)
        finally:
            connection.close()

    def release_once_blocked():
        try:
            if wait_until_a_query_waits_for_a_lock():
                blocked.set()
            commit.set()
        finally:
            connection.close()

    holder = threading.Thread(target=insert_and_hold)
    holder.start()
    assert inserted.wait(10)
    releaser = threading.Thread(target=release_once_blocked)
    releaser.start()
    source, created = get_or_create_source(project=project, url=url, title="Race")
    holder.join()
    releaser.join()

    assert blocked.is_set(), "the insert never waited for the uncommitted row"
    assert not created
    assert source.pk == winner["source"].pk
    assert source.title == "Race"
    assert Source.objects.count() == 1


def test_a_batch_of_links_finds_or_creates_each_page_once_in_fixed_queries(django_assert_max_num_queries):
    project = make_project()
    known = find_or_create_source(project=project, url="https://example.org/known")
    titled = find_or_create_source(project=project, url="https://example.org/titled", title="Kept")
    links = [(f"https://example.org/new/{number}", f"New {number}") for number in range(12)]
    links += [
        ("HTTPS://EXAMPLE.ORG/new/0#again", "Ignored: the first title wins"),
        ("https://example.org/known?utm_source=x", "Known"),
        ("https://example.org/titled", "Not replacing"),
    ]
    with django_assert_max_num_queries(4 + 2):  # and a savepoint with its release
        sources = find_or_create_sources(project=project, links=links, actor=None, as_evidence=True)
    assert set(sources) == {url for url, _ in links}
    assert sources["HTTPS://EXAMPLE.ORG/new/0#again"] == sources["https://example.org/new/0"]
    assert sources["https://example.org/new/0"].title == "New 0"
    assert sources["https://example.org/known?utm_source=x"].pk == known.pk
    assert Source.objects.get(pk=known.pk).title == "Known"
    assert Source.objects.get(pk=titled.pk).title == "Kept"
    assert Source.objects.filter(project=project).count() == 14
    assert find_or_create_sources(project=project, links=[], actor=None, as_evidence=True) == {}


def test_a_new_source_records_who_added_it_and_whether_as_evidence_and_an_existing_one_keeps_both():
    """Who first added a source, and whether as evidence, stays with it whoever finds it later."""
    project = make_project()
    first, second = make_user(), make_user()
    direct, created = get_or_create_source(project=project, url="https://example.org/direct", actor=first)
    assert created
    assert (direct.added_by, direct.added_as_evidence) == (first, False)
    cited = find_or_create_sources(
        project=project,
        links=[("https://example.org/cited", ""), ("https://example.org/direct", "")],
        actor=second,
        as_evidence=True,
    )
    assert (
        cited["https://example.org/cited"].added_by,
        cited["https://example.org/cited"].added_as_evidence,
    ) == (
        second,
        True,
    )
    _, created = get_or_create_source(project=project, url="https://example.org/cited", actor=first)
    assert not created
    assert sorted(Source.objects.values_list("url", "added_by", "added_as_evidence")) == [
        ("https://example.org/cited", second.pk, True),
        ("https://example.org/direct", first.pk, False),
    ]


def test_a_bad_link_in_a_batch_writes_nothing():
    project = make_project()
    with pytest.raises(ValidationError) as caught:
        find_or_create_sources(
            project=project,
            links=[("https://example.org/a", ""), ("javascript:x", "")],
            actor=None,
            as_evidence=True,
        )
    assert "url" in caught.value.message_dict
    assert Source.objects.count() == 0


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://example.org/", "/relative"],
)
def test_a_bad_address_is_an_error_on_url_and_creates_nothing(url):
    with pytest.raises(ValidationError) as caught:
        find_or_create_source(project=make_project(), url=url)
    assert list(caught.value.message_dict) == ["url"]
    assert Source.objects.count() == 0


@pytest.mark.parametrize("title", ["x" * 501, "bad\x00title"])
def test_an_unusable_title_is_an_error_on_title(title):
    with pytest.raises(ValidationError) as caught:
        find_or_create_source(project=make_project(), url="https://example.org/", title=title)
    assert list(caught.value.message_dict) == ["title"]
    assert Source.objects.count() == 0


def test_update_source_changes_descriptive_fields():
    source = find_or_create_source(project=make_project(), url="https://example.org/a")
    update_source(
        source=source,
        title="Budget 2025",
        publisher="Ministry of Finance",
        kind=Kind.PRIMARY_DOCUMENT,
        accessed_on=datetime.date(2025, 3, 1),
        archived_url="https://web.archive.org/web/2025/https://example.org/a",
        reliability=Reliability.HIGH,
    )
    fresh = Source.objects.get(pk=source.pk)
    assert fresh.title == "Budget 2025"
    assert fresh.kind == Kind.PRIMARY_DOCUMENT
    assert fresh.archived_url == "https://web.archive.org/web/2025/https://example.org/a"
    assert fresh.reliability == Reliability.HIGH
    assert fresh.updated_at > source.created_at


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"archived_url": "javascript:alert(1)"}, "archived_url"),
        ({"archived_url": "file:///etc/passwd"}, "archived_url"),
        ({"kind": "rumour"}, "kind"),
        ({"reliability": "excellent"}, "reliability"),
        ({"publisher": "p" * 201}, "publisher"),
        ({"title": "nul\x00"}, "title"),
    ],
)
def test_bad_changes_name_the_field_and_change_nothing(changes, field):
    source = find_or_create_source(project=make_project(), url="https://example.org/a", title="Kept")
    with pytest.raises(ValidationError) as caught:
        update_source(source=source, **changes)
    assert field in caught.value.message_dict
    fresh = Source.objects.get(pk=source.pk)
    assert (fresh.title, fresh.kind, fresh.reliability, fresh.archived_url) == ("Kept", Kind.OTHER, "", "")


def test_the_url_of_a_source_cannot_be_changed():
    source = find_or_create_source(project=make_project(), url="https://example.org/a")
    with pytest.raises(TypeError):
        update_source(source=source, url="https://example.org/b")


def test_sources_inherit_their_domains_reliability_unless_they_have_their_own():
    project = make_project()
    inherits = find_or_create_source(project=project, url="https://www.example.org/a")
    own = find_or_create_source(project=project, url="https://example.org/b")
    update_source(source=own, reliability=Reliability.LOW)
    assert effective(inherits) == ""
    set_domain_reliability(project=project, domain="example.org", reliability=Reliability.HIGH)
    assert effective(inherits) == Reliability.HIGH
    assert effective(own) == Reliability.LOW
    update_source(source=own, reliability="")
    assert effective(own) == Reliability.HIGH


def test_the_most_specific_domain_entry_wins_and_subdomains_inherit():
    project = make_project()
    news = find_or_create_source(project=project, url="https://news.example.org/a")
    blog = find_or_create_source(project=project, url="https://blogs.example.org/a")
    lookalike = find_or_create_source(project=project, url="https://notexample.org/a")
    set_domain_reliability(project=project, domain="example.org", reliability=Reliability.MEDIUM)
    set_domain_reliability(project=project, domain="blogs.example.org", reliability=Reliability.LOW)
    assert effective(news) == Reliability.MEDIUM
    assert effective(blog) == Reliability.LOW
    assert effective(lookalike) == ""


def test_an_entry_without_a_rating_passes_inheritance_to_a_broader_one():
    project = make_project()
    source = find_or_create_source(project=project, url="https://blogs.example.org/a")
    set_domain_reliability(project=project, domain="example.org", reliability=Reliability.MEDIUM)
    set_domain_reliability(project=project, domain="blogs.example.org", reliability="", note="Under review")
    assert effective(source) == Reliability.MEDIUM


def test_another_projects_domain_entries_do_not_apply():
    project = make_project()
    source = find_or_create_source(project=project, url="https://example.org/a")
    set_domain_reliability(project=make_project(), domain="example.org", reliability=Reliability.LOW)
    assert effective(source) == ""


def test_setting_a_domains_reliability_is_an_upsert_on_its_normalized_name():
    project = make_project()
    entry, created = set_domain_reliability(
        project=project, domain="www.Example.ORG", reliability=Reliability.HIGH, note="Paper of record"
    )
    assert created
    assert entry.domain == "example.org"
    again, created = set_domain_reliability(
        project=project, domain="https://example.org/any/page", reliability=Reliability.MEDIUM
    )
    assert not created
    assert again.pk == entry.pk
    fresh = Domain.objects.get(pk=entry.pk)
    assert (fresh.reliability, fresh.note) == (Reliability.MEDIUM, "Paper of record")
    assert Domain.objects.count() == 1


@pytest.mark.parametrize(
    ("domain", "reliability", "field"),
    [
        ("example.org/path", Reliability.HIGH, "domain"),
        ("javascript:alert(1)", Reliability.HIGH, "domain"),
        ("", Reliability.HIGH, "domain"),
        ("example.org", "excellent", "reliability"),
    ],
)
def test_bad_domain_entries_name_the_field_and_store_nothing(domain, reliability, field):
    with pytest.raises(ValidationError) as caught:
        set_domain_reliability(project=make_project(), domain=domain, reliability=reliability)
    assert field in caught.value.message_dict
    assert Domain.objects.count() == 0


def test_domain_entries_change_and_go():
    project = make_project()
    source = find_or_create_source(project=project, url="https://example.org/a")
    entry, _ = set_domain_reliability(project=project, domain="example.org", reliability=Reliability.HIGH)
    update_domain_entry(entry=entry, reliability=Reliability.LOW, note="Retracted twice")
    assert effective(source) == Reliability.LOW
    with pytest.raises(TypeError):
        update_domain_entry(entry=entry, domain="example.net")
    remove_domain_entry(entry=entry)
    assert effective(source) == ""
