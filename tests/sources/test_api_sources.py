import datetime

import pytest
from django.utils import timezone

from annotations.models import Role
from sources.models import Domain, Kind, Reliability, Source
from sources.services import get_or_create_source, set_domain_reliability, update_source
from tests.factories import make_desk, make_project, make_user

pytestmark = pytest.mark.django_db

ROLES = [Role.ANNOTATOR, Role.REVIEWER, Role.EDITOR, Role.ADMIN]
SOURCES = "/api/v1/sources/"
DOMAINS = "/api/v1/domains/"


def make_source(project, *, url: str | None = None, title: str = "", **details) -> Source:
    """A saved source of ``project``; what tests/factories.py could offer as ``make_source``."""
    url = url or f"https://example.org/story/{Source.objects.count() + 1}"
    source, _ = get_or_create_source(project=project, url=url, title=title, **details)
    return source


def snapshot():
    """Everything the source endpoints could change, to show that a refused request changed nothing."""
    return (
        sorted(
            Source.objects.values_list(
                "id", "url", "title", "publisher", "kind", "reliability", "archived_url"
            )
        ),
        sorted(Domain.objects.values_list("id", "project_id", "domain", "reliability", "note")),
    )


def fill(template, names):
    """The template with every "{name}" value replaced by names[name], keeping its type."""
    if isinstance(template, dict):
        return {key: fill(value, names) for key, value in template.items()}
    if isinstance(template, str) and template.startswith("{") and template.endswith("}"):
        return names[template[1:-1]]
    return template


# What each role may do: (method, url, body) -> lowest role allowed and the success status.
RIGHTS = [
    ("get", SOURCES, None, Role.ANNOTATOR, 200),
    ("get", SOURCES + "{source}/", None, Role.ANNOTATOR, 200),
    ("post", SOURCES, {"project": "{project}", "url": "https://example.net/new"}, Role.REVIEWER, 201),
    ("patch", SOURCES + "{source}/", {"title": "Renamed", "kind": "research"}, Role.REVIEWER, 200),
    ("patch", SOURCES + "{source}/", {"reliability": "low"}, Role.EDITOR, 200),
    ("patch", SOURCES + "{source}/", {"title": "Renamed", "reliability": "low"}, Role.EDITOR, 200),
    ("get", DOMAINS, None, Role.ANNOTATOR, 200),
    ("get", DOMAINS + "{entry}/", None, Role.ANNOTATOR, 200),
    (
        "post",
        DOMAINS,
        {"project": "{project}", "domain": "example.net", "reliability": "low"},
        Role.EDITOR,
        201,
    ),
    ("patch", DOMAINS + "{entry}/", {"reliability": "low", "note": "Two retractions"}, Role.EDITOR, 200),
    ("delete", DOMAINS + "{entry}/", None, Role.EDITOR, 204),
]


@pytest.fixture
def desk():
    desk = make_desk()
    desk.source = make_source(desk.project, url="https://example.org/report", title="Report")
    desk.entry, _ = set_domain_reliability(project=desk.project, domain="example.org", reliability="high")
    return desk


def names_of(desk):
    return {"project": desk.project.id, "source": desk.source.id, "entry": desk.entry.id}


@pytest.mark.parametrize(("method", "url", "body", "lowest", "success"), RIGHTS)
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.slug)
def test_each_role_may_do_exactly_what_its_rank_allows(
    api_client, desk, role, method, url, body, lowest, success
):
    names = names_of(desk)
    before = snapshot()
    api_client.force_authenticate(desk.member(role))
    response = getattr(api_client, method)(url.format(**names), fill(body, names), format="json")
    if role >= lowest:
        assert response.status_code == success, response.content
    else:
        assert response.status_code == 403
        assert "detail" in response.json()
        assert snapshot() == before


@pytest.mark.parametrize(("method", "url", "body", "lowest", "success"), RIGHTS)
def test_outsiders_get_404_and_change_nothing(api_client, desk, method, url, body, lowest, success):
    names = names_of(desk)
    before = snapshot()
    outsider = make_desk()  # an admin elsewhere
    api_client.force_authenticate(outsider.admin)
    response = getattr(api_client, method)(url.format(**names), fill(body, names), format="json")
    if url in (SOURCES, DOMAINS) and method == "get":
        assert response.status_code == 200
        assert response.json()["count"] == 0
    else:
        assert response.status_code == 404, response.content
        assert "detail" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("project", [999_999, 10**30])
@pytest.mark.parametrize(
    ("url", "body"),
    [
        (SOURCES, {"url": "https://example.net/new"}),
        (DOMAINS, {"domain": "example.net", "reliability": "low"}),
    ],
)
def test_an_unknown_project_in_the_body_is_404(api_client, desk, url, body, project):
    before = snapshot()
    api_client.force_authenticate(desk.admin)
    response = api_client.post(url, {**body, "project": project}, format="json")
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("url", [SOURCES, DOMAINS])
@pytest.mark.parametrize("pk", ["999999", "1" + "0" * 30])
def test_unknown_ids_are_404(api_client, desk, url, pk):
    api_client.force_authenticate(desk.admin)
    assert api_client.get(f"{url}{pk}/").status_code == 404
    assert api_client.patch(f"{url}{pk}/", {"title": "x"}, format="json").status_code == 404
    assert api_client.get(f"{url}abc/").status_code == 404


@pytest.mark.parametrize(("method", "url", "body", "lowest", "success"), RIGHTS)
def test_anonymous_callers_get_401(api_client, desk, method, url, body, lowest, success):
    names = names_of(desk)
    before = snapshot()
    response = getattr(api_client, method)(url.format(**names), fill(body, names), format="json")
    assert response.status_code == 401
    assert "detail" in response.json()
    assert snapshot() == before


def test_a_source_reads_with_its_own_and_effective_reliability(api_client, desk):
    api_client.force_authenticate(desk.annotator)
    body = api_client.get(f"{SOURCES}{desk.source.id}/").json()
    assert body == {
        "id": desk.source.id,
        "project": desk.project.id,
        "url": "https://example.org/report",
        "domain": "example.org",
        "title": "Report",
        "publisher": "",
        "kind": "other",
        "accessed_on": None,
        "archived_url": "",
        "reliability": "",
        "effective_reliability": "high",
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_reviewer_describes_a_source(api_client, desk):
    api_client.force_authenticate(desk.reviewers[0])
    response = api_client.patch(
        f"{SOURCES}{desk.source.id}/",
        {
            "title": "Annual report 2024",
            "publisher": "Statistics office",
            "kind": "dataset",
            "accessed_on": "2025-01-31",
            "archived_url": "https://web.archive.org/web/2025/https://example.org/report",
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["kind"] == "dataset"
    assert body["accessed_on"] == "2025-01-31"
    assert body["archived_url"] == "https://web.archive.org/web/2025/https://example.org/report"
    assert body["effective_reliability"] == "high"
    fresh = Source.objects.get(pk=desk.source.pk)
    assert (fresh.title, fresh.publisher, fresh.kind) == (
        "Annual report 2024",
        "Statistics office",
        Kind.DATASET,
    )
    assert fresh.accessed_on == datetime.date(2025, 1, 31)


def test_a_reviewer_sending_a_reliability_gets_403_and_nothing_changes(api_client, desk):
    api_client.force_authenticate(desk.reviewers[0])
    response = api_client.patch(
        f"{SOURCES}{desk.source.id}/", {"title": "Sneaky", "reliability": "low"}, format="json"
    )
    assert response.status_code == 403
    fresh = Source.objects.get(pk=desk.source.pk)
    assert (fresh.title, fresh.reliability) == ("Report", "")


def test_editor_rates_a_source_over_its_domain_and_clears_it_again(api_client, desk):
    api_client.force_authenticate(desk.editor)
    url = f"{SOURCES}{desk.source.id}/"
    body = api_client.patch(url, {"reliability": "low"}, format="json").json()
    assert (body["reliability"], body["effective_reliability"]) == ("low", "low")
    body = api_client.patch(url, {"reliability": ""}, format="json").json()
    assert (body["reliability"], body["effective_reliability"]) == ("", "high")


def test_posting_a_source_finds_or_creates_it_by_normalized_url(api_client, desk):
    api_client.force_authenticate(desk.reviewers[0])
    response = api_client.post(
        SOURCES,
        {
            "project": desk.project.id,
            "url": "HTTPS://Example.NET/a?utm_source=x&id=1#top",
            "kind": "research",
        },
        format="json",
    )
    assert response.status_code == 201
    created = response.json()
    assert created["url"] == "https://example.net/a?id=1"
    assert (created["domain"], created["kind"], created["title"]) == ("example.net", "research", "")
    response = api_client.post(
        SOURCES,
        {"project": desk.project.id, "url": "https://example.net/a?id=1", "title": "A study"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["id"] == created["id"]
    assert response.json()["title"] == "A study"
    assert Source.objects.filter(project=desk.project).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "javascript:alert(1)"}, "url"),
        ({"url": "data:text/html,<b>x</b>"}, "url"),
        ({"url": "file:///etc/passwd"}, "url"),
        ({"url": "ftp://example.org/a"}, "url"),
        ({"url": "/relative/path"}, "url"),
        ({"url": "https://user:pw@example.org/"}, "url"),
        ({"url": "https://example.org/" + "a" * 2000}, "url"),
        ({"url": ""}, "url"),
        ({"url": None}, "url"),
        ({"url": ["https://example.org/"]}, "url"),
        ({}, "url"),
        ({"url": "https://example.org/x", "kind": "rumour"}, "kind"),
        ({"url": "https://example.org/x", "title": "t" * 501}, "title"),
        ({"url": "https://example.org/x", "title": "nul\x00"}, "title"),
        ({"url": "https://example.org/x", "accessed_on": "2025-02-30"}, "accessed_on"),
        ({"url": "https://example.org/x", "accessed_on": "3025-01-01"}, "accessed_on"),
        ({"url": "https://example.org/x", "archived_url": "javascript:alert(1)"}, "archived_url"),
        ({"url": "https://example.org/x", "project": "abc"}, "project"),
        ({"url": "https://example.org/x", "project": None}, "project"),
        ({"url": "https://example.org/x", "project": 0}, "project"),
    ],
)
def test_bad_source_input_names_the_field_and_creates_nothing(api_client, desk, body, field):
    before = snapshot()
    api_client.force_authenticate(desk.admin)
    response = api_client.post(SOURCES, {"project": desk.project.id, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert all(isinstance(reason, str) for reason in response.json()[field])
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "rumour"}, "kind"),
        ({"reliability": "excellent"}, "reliability"),
        ({"reliability": None}, "reliability"),
        ({"title": "t" * 501}, "title"),
        ({"publisher": "p" * 201}, "publisher"),
        ({"accessed_on": "yesterday"}, "accessed_on"),
        ({"archived_url": "file:///etc/passwd"}, "archived_url"),
        ({"archived_url": "https://"}, "archived_url"),
        ({"title": "Fine", "archived_url": "data:,x"}, "archived_url"),
    ],
)
def test_bad_source_changes_name_the_field_and_change_nothing(api_client, desk, body, field):
    before = snapshot()
    api_client.force_authenticate(desk.admin)
    response = api_client.patch(f"{SOURCES}{desk.source.id}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_the_url_project_and_domain_of_a_source_cannot_be_patched(api_client, desk):
    other = make_desk()
    api_client.force_authenticate(desk.admin)
    response = api_client.patch(
        f"{SOURCES}{desk.source.id}/",
        {"url": "https://evil.example/", "project": other.project.id, "domain": "evil.example", "title": "T"},
        format="json",
    )
    assert response.status_code == 200
    fresh = Source.objects.get(pk=desk.source.pk)
    assert (fresh.url, fresh.project_id, fresh.domain, fresh.title) == (
        "https://example.org/report",
        desk.project.id,
        "example.org",
        "T",
    )


def test_a_list_body_is_a_400(api_client, desk):
    api_client.force_authenticate(desk.admin)
    assert api_client.post(SOURCES, [1, 2], format="json").status_code == 400
    assert api_client.patch(f"{SOURCES}{desk.source.id}/", [1], format="json").status_code == 400
    assert api_client.post(DOMAINS, [1, 2], format="json").status_code == 400


def test_sources_cannot_be_deleted_or_replaced(api_client, desk):
    api_client.force_authenticate(desk.admin)
    assert api_client.delete(f"{SOURCES}{desk.source.id}/").status_code == 405
    assert api_client.put(f"{SOURCES}{desk.source.id}/", {"title": "x"}, format="json").status_code == 405
    assert Source.objects.filter(pk=desk.source.pk).exists()


def test_source_list_shows_only_my_projects(api_client, desk):
    make_source(make_project(), url="https://elsewhere.example/a")
    second = make_desk()
    make_source(second.project, url="https://second.example/a")
    api_client.force_authenticate(desk.annotator)
    body = api_client.get(SOURCES).json()
    assert [source["id"] for source in body["results"]] == [desk.source.id]


def test_source_list_query_count_is_flat(api_client, desk, django_assert_max_num_queries):
    for number in range(12):
        make_source(desk.project, url=f"https://site{number % 3}.example/{number}", title=f"Story {number}")
    set_domain_reliability(project=desk.project, domain="site1.example", reliability="low")
    api_client.force_authenticate(desk.annotator)
    for query in [
        "",
        "?page_size=2",
        "?page_size=500",
        "?reliability=low&ordering=-title",
        "?q=story&kind=other",
    ]:
        with django_assert_max_num_queries(2):
            response = api_client.get(SOURCES + query)
        assert response.status_code == 200
    assert api_client.get(SOURCES).json()["count"] == 13


def test_domain_list_query_count_is_flat(api_client, desk, django_assert_max_num_queries):
    for number in range(12):
        set_domain_reliability(project=desk.project, domain=f"site{number}.example", reliability="medium")
    api_client.force_authenticate(desk.annotator)
    for query in ["", "?page_size=3", "?reliability=medium&ordering=-domain"]:
        with django_assert_max_num_queries(2):
            response = api_client.get(DOMAINS + query)
        assert response.status_code == 200
    assert api_client.get(DOMAINS).json()["count"] == 13


def ids(response):
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_sources_filter_by_project_domain_kind_reliability_and_text(api_client):
    desk = make_desk()
    other = make_project(creator=desk.annotator)
    bbc = make_source(desk.project, url="https://www.bbc.co.uk/news/1", title="Flood", kind=Kind.NEWS_REPORT)
    bbc_news = make_source(desk.project, url="https://news.bbc.co.uk/2", publisher="BBC News")
    stats = make_source(desk.project, url="https://stats.example/t1.csv", kind=Kind.DATASET)
    own = make_source(desk.project, url="https://blog.example/post")
    update_source(source=own, reliability=Reliability.LOW)
    elsewhere = make_source(other, url="https://www.bbc.co.uk/news/1")
    set_domain_reliability(project=desk.project, domain="bbc.co.uk", reliability=Reliability.HIGH)
    api_client.force_authenticate(desk.annotator)

    def listed(query):
        return sorted(ids(api_client.get(SOURCES + query)))

    assert listed(f"?project={desk.project.id}") == sorted([bbc.id, bbc_news.id, stats.id, own.id])
    assert listed(f"?project={other.id}") == [elsewhere.id]
    assert listed("?project=999999") == []
    assert listed(f"?domain=bbc.co.uk&project={desk.project.id}") == sorted([bbc.id, bbc_news.id])
    assert listed(f"?domain=WWW.BBC.CO.UK&project={desk.project.id}") == sorted([bbc.id, bbc_news.id])
    assert listed("?domain=news.bbc.co.uk") == [bbc_news.id]
    assert listed("?kind=dataset") == [stats.id]
    assert listed(f"?reliability=high&project={desk.project.id}") == sorted([bbc.id, bbc_news.id])
    assert listed("?reliability=low") == [own.id]
    assert listed("?reliability=unrated") == sorted([stats.id, elsewhere.id])
    assert listed("?q=flood") == [bbc.id]
    assert listed("?q=BBC+News") == [bbc_news.id]
    assert listed("?q=t1.csv") == [stats.id]
    tomorrow = (timezone.now() + datetime.timedelta(days=1)).date().isoformat()
    assert listed(f"?created_before={tomorrow}") == sorted(
        [bbc.id, bbc_news.id, stats.id, own.id, elsewhere.id]
    )
    assert listed(f"?created_after={tomorrow}") == []


def test_sources_order_on_a_fixed_list_of_fields(api_client, desk):
    make_source(desk.project, url="https://a.example/z", title="Beta")
    make_source(desk.project, url="https://b.example/y", title="Alpha")
    api_client.force_authenticate(desk.annotator)
    urls = [row["url"] for row in api_client.get(SOURCES).json()["results"]]
    assert urls == sorted(urls)
    titles = [row["title"] for row in api_client.get(SOURCES + "?ordering=-title").json()["results"]]
    assert titles == ["Report", "Beta", "Alpha"]
    domains = [row["domain"] for row in api_client.get(SOURCES + "?ordering=domain").json()["results"]]
    assert domains == sorted(domains)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?ordering=project__memberships__user__password", "ordering"),
        ("?ordering=effective_reliability", "ordering"),
        ("?kind=rumour", "kind"),
        ("?reliability=excellent", "reliability"),
        ("?project=abc", "project"),
        ("?domain=not a domain/", "domain"),
        ("?created_after=soon", "created_after"),
    ],
)
def test_bad_source_filters_are_400_naming_the_parameter(api_client, desk, query, field):
    api_client.force_authenticate(desk.annotator)
    response = api_client.get(SOURCES + query)
    assert response.status_code == 400
    assert field in response.json()


def test_editor_rates_a_domain_and_its_sources_inherit(api_client):
    desk = make_desk()
    source = make_source(desk.project, url="https://www.example.net/story")
    api_client.force_authenticate(desk.editor)
    response = api_client.post(
        DOMAINS,
        {"project": desk.project.id, "domain": "WWW.Example.NET", "reliability": "medium", "note": "Tabloid"},
        format="json",
    )
    assert response.status_code == 201
    entry = response.json()
    assert (entry["domain"], entry["reliability"], entry["note"]) == ("example.net", "medium", "Tabloid")
    assert api_client.get(f"{SOURCES}{source.id}/").json()["effective_reliability"] == "medium"

    response = api_client.post(
        DOMAINS, {"project": desk.project.id, "domain": "example.net", "reliability": "low"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["id"] == entry["id"]
    assert response.json()["note"] == "Tabloid"
    assert Domain.objects.filter(project=desk.project).count() == 1

    response = api_client.patch(f"{DOMAINS}{entry['id']}/", {"note": ""}, format="json")
    assert (response.json()["reliability"], response.json()["note"]) == ("low", "")
    assert api_client.get(f"{SOURCES}{source.id}/").json()["effective_reliability"] == "low"

    assert api_client.delete(f"{DOMAINS}{entry['id']}/").status_code == 204
    assert api_client.get(f"{SOURCES}{source.id}/").json()["effective_reliability"] == ""
    assert api_client.get(f"{DOMAINS}{entry['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"domain": "example.org/path"}, "domain"),
        ({"domain": "exa mple.org"}, "domain"),
        ({"domain": "javascript:alert(1)"}, "domain"),
        ({"domain": ""}, "domain"),
        ({"domain": None}, "domain"),
        ({"reliability": "excellent"}, "reliability"),
        ({"reliability": None}, "reliability"),
        ({"note": "n" * 2001}, "note"),
        ({"project": "abc"}, "project"),
        ({"project": True}, "project"),
    ],
)
def test_bad_domain_input_names_the_field_and_stores_nothing(api_client, desk, body, field):
    before = snapshot()
    api_client.force_authenticate(desk.admin)
    response = api_client.post(
        DOMAINS,
        {"project": desk.project.id, "domain": "example.net", "reliability": "low", **body},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"), [({"reliability": "excellent"}, "reliability"), ({"note": "bad\x00"}, "note")]
)
def test_bad_domain_changes_name_the_field_and_change_nothing(api_client, desk, body, field):
    before = snapshot()
    api_client.force_authenticate(desk.admin)
    response = api_client.patch(f"{DOMAINS}{desk.entry.id}/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert snapshot() == before


def test_domains_filter_and_order(api_client, desk):
    set_domain_reliability(project=desk.project, domain="tabloid.example", reliability="low")
    set_domain_reliability(project=desk.project, domain="unknown.example", reliability="")
    set_domain_reliability(project=make_project(), domain="secret.example", reliability="low")
    api_client.force_authenticate(desk.annotator)

    def domains(query):
        response = api_client.get(DOMAINS + query)
        assert response.status_code == 200, response.content
        return [row["domain"] for row in response.json()["results"]]

    assert domains("") == ["example.org", "tabloid.example", "unknown.example"]
    assert domains("?ordering=-domain") == ["unknown.example", "tabloid.example", "example.org"]
    assert domains("?reliability=low") == ["tabloid.example"]
    assert domains("?reliability=unrated") == ["unknown.example"]
    assert domains("?q=TABLOID") == ["tabloid.example"]
    assert domains(f"?project={desk.project.id}") == ["example.org", "tabloid.example", "unknown.example"]
    response = api_client.get(DOMAINS + "?ordering=note")
    assert response.status_code == 400
    assert "ordering" in response.json()


def test_schema_describes_the_source_endpoints(api_client):
    import yaml

    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    paths = schema["paths"]
    assert set(paths[SOURCES]) >= {"get", "post"}
    assert set(paths[SOURCES + "{id}/"]) >= {"get", "patch"}
    assert "delete" not in paths[SOURCES + "{id}/"]
    assert set(paths[DOMAINS + "{id}/"]) >= {"get", "patch", "delete"}
    assert set(paths[SOURCES]["post"]["responses"]) >= {"200", "201"}
    parameters = {p["name"] for p in paths[SOURCES]["get"]["parameters"]}
    assert parameters >= {"project", "domain", "kind", "reliability", "q", "ordering", "page", "page_size"}
    assert "effective_reliability" in schema["components"]["schemas"]["Source"]["properties"]


def test_a_user_without_projects_sees_empty_lists(api_client):
    api_client.force_authenticate(make_user())
    assert api_client.get(SOURCES).json()["count"] == 0
    assert api_client.get(DOMAINS).json()["count"] == 0
