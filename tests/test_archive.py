"""A project's archive: exported, the database emptied, imported back, and compared field by field."""

import datetime
import io
import json

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import ForeignKey

from annotations import archive
from annotations.archive import (
    FORMAT_VERSION,
    PROJECT_FIELDS,
    TABLES,
    ArchiveError,
    archive_bytes,
    export_project,
    import_project,
    read_archive,
)
from annotations.models import (
    Annotation,
    ClaimLink,
    Disagreement,
    HistoryEntry,
    Project,
    Role,
    Status,
    Verdict,
)
from annotations.services.annotations import delete_annotation, update_annotation
from annotations.services.articles import add_revision
from annotations.services.assignments import assign
from annotations.services.matching import link_claims
from annotations.services.projects import add_member, change_project_settings, remove_member, set_review_blind
from annotations.services.review import adjudicate, merge_annotations, reopen
from annotations.services.verdicts import edit_verdict, submit_verdict
from sources.models import Kind, Reliability, Source
from sources.services import set_domain_reliability, update_source
from tests.factories import make_annotation, make_article, make_desk, make_user

User = get_user_model()
TEXT = (
    "The river rose 3.2 metres overnight, officials said.\n\n"
    "The mayor said 1,200 homes were flooded in Café district 😀.\n\n"
    "Rainfall was the highest since 1998."
)
REVISED = TEXT.replace("Rainfall was the highest since 1998.", "Rain fell as never before.")


def evidence(url, stance="supports", **fields):
    return {"url": url, "stance": stance, **fields}


def build_rich_project():
    """A project in every state the services make: settings, a blind editor, a revised article
    with an orphaned claim, tags, shared highlights, verdicts revised after the reveal, replaced
    evidence, an editor's verdict, an adjudication, a re-opened claim, a merge, a deleted claim,
    sources with their details, domain reliability, and a former member's work."""
    desk = make_desk(reviewers=3)
    first, second, third = desk.reviewers
    project = change_project_settings(
        project=desk.project,
        publisher_name="River Desk",
        publisher_url="https://desk.example.org/",
        review_url_template="https://desk.example.org/checks/{claim_id}",
    )
    set_review_blind(
        actor=desk.admin, project_id=project.id, username=desk.editor.username, review_blind=True
    )
    article = make_article(
        desk,
        title="Floods",
        text=TEXT,
        url="https://news.example.org/floods?id=1",
        publisher="Example News",
        author="A. Writer",
        published_at=datetime.datetime(2025, 5, 4, 8, 30, 15, 123456, tzinfo=datetime.UTC),
        language="en",
    )
    rose = make_annotation(desk, article=article, quote="The river rose 3.2 metres", claim="The river rose.")
    update_annotation(actor=desk.annotator, annotation_id=rose.id, tags=["water", "numbers"])
    # The same words marked again: one claim, two highlighters.
    make_annotation(desk, article=article, quote="The river rose 3.2 metres", author=first)
    homes = make_annotation(desk, article=article, quote="1,200 homes were flooded")
    wider = make_annotation(desk, article=article, quote="said 1,200 homes were flooded", author=desk.editor)
    rain = make_annotation(desk, article=article, quote="Rainfall was the highest since 1998")
    doomed = make_annotation(desk, article=article, quote="officials said")

    # Verdicts that disagree, with evidence, one revised after the reveal and its evidence replaced.
    submit_verdict(
        reviewer=first,
        annotation_id=rose.id,
        rating="true",
        confidence="high",
        rationale="Gauge data.",
        evidence=[evidence("https://gauges.example.gov/river.csv", title="Gauges", quote="3.21 m")],
    )
    revised = submit_verdict(
        reviewer=second,
        annotation_id=rose.id,
        rating="mostly_false",
        confidence="low",
        evidence=[evidence("https://blog.example.net/post", "refutes")],
    )
    edit_verdict(
        reviewer=second,
        verdict_id=revised.id,
        rating="true",
        rationale="Seen the gauges.",
        evidence=[evidence("https://gauges.example.gov/river.csv", "context")],
    )
    submit_verdict(reviewer=desk.admin, annotation_id=rose.id, rating="mixed", confidence="medium")
    adjudicate(
        editor=desk.admin,
        annotation_id=rose.id,
        rating="true",
        rationale="The gauges settle it.",
        evidence=[evidence("https://gauges.example.gov/river.csv", quote="Peak 3.21 m")],
    )
    update_annotation(actor=desk.editor, annotation_id=rose.id, claim="The river rose 3.2 m overnight.")

    # An adjudicated claim re-opened: its adjudication stays, superseded.
    submit_verdict(reviewer=first, annotation_id=rain.id, rating="false", confidence="high")
    submit_verdict(reviewer=third, annotation_id=rain.id, rating="misleading", confidence="medium")
    adjudicate(editor=desk.editor, annotation_id=rain.id, rating="false", rationale="Records say 1987.")
    reopen(editor=desk.editor, annotation_id=rain.id, reason="New records.")

    # Overlapping spans by two people, merged.
    submit_verdict(reviewer=third, annotation_id=homes.id, rating="mostly_true", confidence="high")
    submit_verdict(reviewer=first, annotation_id=wider.id, rating="true", confidence="low")
    span = Disagreement.objects.get(kind="span", annotation=homes, other_annotation=wider)
    merge_annotations(editor=desk.editor, disagreement_id=span.id, keep_id=homes.id, note="Same claim.")

    # A deleted claim and a revised text that orphans a claim.
    delete_annotation(actor=desk.annotator, annotation_id=doomed.id)
    add_revision(actor=desk.annotator, article_id=article.id, text=REVISED)

    source = Source.objects.get(project=project, url="https://gauges.example.gov/river.csv")
    update_source(
        source=source,
        publisher="River Authority",
        kind=Kind.DATASET,
        accessed_on=datetime.date(2025, 5, 5),
        archived_url="https://web.archive.org/web/2025/https://gauges.example.gov/river.csv",
        reliability=Reliability.HIGH,
    )
    set_domain_reliability(project=project, domain="example.net", reliability=Reliability.LOW, note="Blogs")

    # Work shared out, and two claims an editor called the same.
    assign(editor=desk.editor, project_id=project.id, assignee=first.username, article_id=article.id)
    assign(editor=desk.editor, project_id=project.id, assignee=second.username, annotation_id=homes.id)
    link_claims(editor=desk.editor, annotation_id=rain.id, same_as_id=rose.id)

    # A reviewer who left: their verdicts stay, they are no member any more.
    remove_member(actor=desk.admin, project_id=project.id, username=third.username)
    return desk


def models_of_a_project():
    return [
        model
        for app in ("annotations", "sources")
        for model in apps.get_app_config(app).get_models()
        if model is not Project and model not in archive.NOT_CARRIED
    ]


def user_fk(model_field) -> bool:
    return isinstance(model_field, ForeignKey) and model_field.related_model is User


def snapshot(project_id: int) -> dict:
    """Every row of the project, each as ``{attname: value}`` of every concrete field, ordered by
    id; people as usernames; the annotations' tags as tag ids."""
    usernames = dict(User.objects.values_list("pk", "username"))
    project = Project.objects.get(pk=project_id)
    state = {"project": [values_of(project, usernames)]}
    for table in TABLES:
        rows = archive.rows_of(project, table)
        state[table.name] = [values_of(row, usernames) for row in rows]
        if table.tags:
            for row, obj in zip(state[table.name], rows, strict=True):
                row["tags"] = sorted(obj.tags.values_list("pk", flat=True))
    return state


def values_of(obj, usernames) -> dict:
    values = {}
    for model_field in obj._meta.concrete_fields:
        value = getattr(obj, model_field.attname)
        values[model_field.attname] = usernames.get(value) if user_fk(model_field) else value
    return values


def id_maps(before: dict, after: dict) -> dict[str, dict[int, int]]:
    """Old id to new id of each table, by position: the import keeps the archive's order."""
    maps = {}
    for name, rows in before.items():
        assert len(after[name]) == len(rows), name
        maps[name] = {old["id"]: new["id"] for old, new in zip(rows, after[name], strict=True)}
    return maps


def assert_same_rows(before: dict, after: dict) -> dict:
    """Assert that ``after`` holds the rows of ``before``, value for value, references following the
    new ids; the ids reserved for rows deleted before the export, by ``(table, old id)``."""
    maps = id_maps(before, after)
    target_of = {"project": "project"}
    for table in TABLES:
        for name, target in table.refs.items():
            target_of[(table.name, f"{name}_id")] = target
    reserved = {}
    for table in [None, *TABLES]:
        name = "project" if table is None else table.name
        model = Project if table is None else table.model
        for old, new in zip(before[name], after[name], strict=True):
            for model_field in model._meta.concrete_fields:
                attname = model_field.attname
                if attname == "id":
                    continue
                if attname == "project_id":
                    assert new[attname] == after["project"][0]["id"]
                elif (name, attname) in target_of:
                    target = target_of[name, attname]
                    expected = None if old[attname] is None else maps[target][old[attname]]
                    assert new[attname] == expected, (name, attname)
                elif table is not None and attname in table.ids:
                    assert_history_id(old, new, attname, maps, reserved)
                elif attname in ("before", "after"):
                    assert new[attname] == remapped(old[attname], maps, reserved), (name, attname, old)
                else:
                    assert new[attname] == old[attname], (name, attname, old)
            if name == "annotations":
                assert new["tags"] == sorted(maps["tags"][tag] for tag in old["tags"])
    # The ids of rows deleted before the export are one per row and no live row's.
    for (table_name, _old), new_id in reserved.items():
        assert new_id not in maps[table_name].values()
    assert len(set(reserved.values())) == len(reserved)
    return reserved


HISTORY_TABLE = {
    "annotation": "annotations",
    "verdict": "verdicts",
    "evidence": "evidence",
    "adjudication": "adjudications",
    "article": "articles",
}


def assert_history_id(old, new, attname, maps, reserved):
    table_name = "annotations" if attname == "annotation_id" else HISTORY_TABLE[old["object_type"]]
    if old[attname] is None:
        assert new[attname] is None
    elif old[attname] in maps[table_name]:
        assert new[attname] == maps[table_name][old[attname]]
    else:
        assert reserved.setdefault((table_name, old[attname]), new[attname]) == new[attname]


VALUE_TABLE = {
    "annotation": "annotations",
    "merged_into": "annotations",
    "article": "articles",
    "revision": "revisions",
    "verdict": "verdicts",
    "adjudication": "adjudications",
    "source": "sources",
    "moved_verdicts": "verdicts",
    "left_verdicts": "verdicts",
    "same_claim_as": "annotations",
}


def remapped(values, maps, reserved):
    if not isinstance(values, dict):
        return values

    def one(table_name, old):
        return maps[table_name].get(old) or reserved[table_name, old]

    result = dict(values)
    for key, table_name in VALUE_TABLE.items():
        if isinstance(values.get(key), list):
            result[key] = [one(table_name, item) for item in values[key]]
        elif isinstance(values.get(key), int) and not isinstance(values.get(key), bool):
            result[key] = one(table_name, values[key])
    return result


# --- Coverage: no model, no field left out -----------------------------------------------------


def test_every_model_of_a_project_has_a_table_in_the_archive():
    """A model added to annotations or sources fails here until the archive carries it."""
    assert {table.model for table in TABLES} == set(models_of_a_project())


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_every_field_of_every_model_is_carried_by_the_archive(table):
    """Each concrete field is copied, written as a username, followed as a reference or remapped
    as an id; a field added later fails here until the archive says how it travels."""
    carried = {"id", *table.fields, *table.users, *table.refs, *table.ids}
    if table.has_project:
        carried.add("project")
    assert {model_field.name for model_field in table.model._meta.concrete_fields} == carried
    many = {model_field.name for model_field in table.model._meta.many_to_many}
    assert many == ({table.tags} if table.tags else set())
    for name in table.users:
        assert user_fk(table.model._meta.get_field(name))
    for name, target in table.refs.items():
        assert table.model._meta.get_field(name).related_model is archive.TABLE_OF[target].model


def test_every_field_of_the_project_is_carried_by_the_archive():
    concrete = {model_field.name for model_field in Project._meta.concrete_fields}
    assert concrete == {"id", "created_by", *PROJECT_FIELDS}


# --- The round trip ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_project_exported_then_imported_into_an_emptied_database_is_the_same_field_by_field(tmp_path):
    """Every row comes back with every value (times to the microsecond, blind ratings, merges,
    history), new ids and references that follow them; people come back inactive, by username."""
    desk = build_rich_project()
    project_id = desk.project.id
    before = snapshot(project_id)
    # The build reached every state the comparison should cover.
    assert {row["status"] for row in before["annotations"]} >= {Status.RESOLVED, Status.DISPUTED}
    assert any(row["revised_after_reveal"] for row in before["verdicts"])
    assert any(not row["independent"] for row in before["verdicts"])
    assert any(row["merged_into_id"] for row in before["annotations"])
    assert any(row["orphaned"] for row in before["annotations"])
    assert any(row["superseded_at"] for row in before["adjudications"])
    assert any(row["adjudication_id"] for row in before["evidence"])
    assert len(before["revisions"]) == 2
    assert {row["action"] for row in before["history"]} == {"create", "update", "delete"}
    usernames = sorted({row["user_id"] for row in before["memberships"]} | {desk.reviewers[2].username})

    path = tmp_path / "project.json"
    call_command("export_project", str(project_id), output=str(path), stderr=io.StringIO())
    call_command("flush", interactive=False)
    assert not Project.objects.exists() and not User.objects.exists()
    out = io.StringIO()
    call_command("import_project", str(path), stdout=out)

    (project,) = Project.objects.all()
    assert f"as project {project.pk}" in out.getvalue()
    after = snapshot(project.pk)
    reserved = assert_same_rows(before, after)
    # The deleted claim and the replaced evidence are still named by their history.
    assert {table_name for table_name, _ in reserved} == {"annotations", "evidence"}
    people = User.objects.order_by("username")
    assert [user.username for user in people] == usernames
    assert not any(user.is_active or user.has_usable_password() for user in people)


@pytest.mark.django_db
def test_an_import_beside_other_projects_matches_existing_people_and_leaves_them_as_they_are():
    """Known usernames are the same people (still active, with their password); the copy is a new
    project whose rows equal the original's."""
    desk = build_rich_project()
    before = snapshot(desk.project.id)
    users_before = User.objects.count()
    copy = import_project(read_archive(archive_bytes(desk.project)))
    assert copy.pk != desk.project.pk
    assert User.objects.count() == users_before
    assert User.objects.get(pk=desk.reviewers[0].pk).is_active
    assert_same_rows(before, snapshot(copy.pk))
    assert Verdict.objects.filter(annotation__article__project=desk.project).count() == len(
        before["verdicts"]
    )


@pytest.mark.django_db
def test_the_importer_joins_as_admin_when_the_archive_does_not_name_them():
    desk = make_desk()
    staff = make_user()
    copy = import_project(export_project(desk.project), importer=staff)
    assert copy.memberships.get(user=staff).role == Role.ADMIN
    again = import_project(export_project(desk.project), importer=desk.admin)
    assert again.memberships.count() == desk.project.memberships.count()


@pytest.mark.django_db
def test_export_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    desk = build_rich_project()
    for _ in range(10):
        make_annotation(desk, article=make_article(desk))
    with django_assert_max_num_queries(len(TABLES) + 6):
        export_project(desk.project)


# --- Archives refused ---------------------------------------------------------------------------


def archive_of_a_small_project():
    desk = make_desk()
    claim = make_annotation(desk)
    submit_verdict(reviewer=desk.reviewers[0], annotation_id=claim.id, rating="true", confidence="high")
    return export_project(desk.project)


@pytest.mark.django_db
@pytest.mark.parametrize("version", [FORMAT_VERSION + 1, 0, "1", None])
def test_an_archive_of_an_unknown_format_version_is_refused_and_changes_nothing(version):
    data = archive_of_a_small_project()
    data["format_version"] = version
    projects = Project.objects.count()
    with pytest.raises(ArchiveError) as caught:
        read_archive(json.dumps(data).encode())
    assert "format version" in caught.value.messages[0]
    assert f"reads version {FORMAT_VERSION}" in caught.value.messages[0]
    with pytest.raises(ArchiveError):
        import_project(data)
    assert Project.objects.count() == projects


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"not json", "not a JSON archive"),
        (b"[" * 10_000, "nests deeper"),
        (b'{"format": "something else"}', "not a project archive"),
        (b"\xff\xfe", "not a JSON archive"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_sentence(data, says):
    with pytest.raises(ArchiveError) as caught:
        read_archive(data)
    assert says in caught.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("table", "field", "value", "says"),
    [
        ("verdicts", "annotation", 999_999, "verdicts row 0: refers to annotations row 999999"),
        ("verdicts", "rating", "banana", "verdicts row 0, rating"),
        ("verdicts", "reviewer", "nobody-in-the-archive", "who is not among the archive's users"),
        ("verdicts", "created_at", "yesterday", "verdicts row 0, created_at"),
        ("annotations", "id", None, "every row needs an id"),
    ],
)
def test_an_inconsistent_archive_is_refused_naming_the_row_and_writes_nothing(table, field, value, says):
    data = archive_of_a_small_project()
    data["tables"][table][0][field] = value
    counts = (Project.objects.count(), Annotation.objects.count(), HistoryEntry.objects.count())
    with pytest.raises(ArchiveError) as caught:
        import_project(data)
    assert says in caught.value.messages[0]
    assert (Project.objects.count(), Annotation.objects.count(), HistoryEntry.objects.count()) == counts


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"required_verdicts": 0}, "breaks a rule of the database"),
        ({"review_url_template": "https://desk.example.org/{nope}"}, "project, review_url_template"),
        ({"created_by": 7}, "who is not among the archive's users"),
    ],
)
def test_bad_project_settings_in_an_archive_are_refused_and_write_nothing(change, says):
    data = archive_of_a_small_project()
    data["project"].update(change)
    counts = (Project.objects.count(), User.objects.count())
    with pytest.raises(ArchiveError) as caught:
        import_project(data)
    assert says in caught.value.messages[0]
    assert (Project.objects.count(), User.objects.count()) == counts


@pytest.mark.django_db
def test_an_archive_naming_a_new_person_twice_is_refused():
    data = archive_of_a_small_project()
    data["users"] += [{"username": "newcomer"}, {"username": "newcomer"}]
    with pytest.raises(ArchiveError):
        import_project(data)
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.django_db
def test_the_import_command_reports_a_refused_archive(tmp_path):
    path = tmp_path / "old.json"
    data = archive_of_a_small_project()
    data["format_version"] = 99
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="format version 99"):
        call_command("import_project", str(path))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_project", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="No project with id"):
        call_command("export_project", "999999")


# --- The archive page ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_project_admin_finds_the_archive_from_the_project_page_and_downloads_it(client):
    desk = build_rich_project()
    client.force_login(desk.admin)
    home = client.get(f"/projects/{desk.project.id}/").content.decode()
    assert f'href="/projects/{desk.project.id}/archive/"' in home
    page = client.get(f"/projects/{desk.project.id}/archive/")
    assert page.status_code == 200
    assert b"Download the archive" in page.content
    assert b"only the site's staff may do it" in page.content
    response = client.get(f"/projects/{desk.project.id}/archive/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith(f'attachment; filename="project-{desk.project.id}-')
    data = json.loads(response.content)
    assert data["format_version"] == FORMAT_VERSION
    assert (
        len(data["tables"]["verdicts"])
        == Verdict.objects.filter(annotation__article__project=desk.project).count()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["archive/", "archive/download/"])
def test_members_below_admin_are_refused_the_archive_and_outsiders_get_404(client, path):
    desk = make_desk()
    for member in (desk.editor, desk.reviewers[0], desk.annotator):
        client.force_login(member)
        assert client.get(f"/projects/{desk.project.id}/{path}").status_code == 403
    client.force_login(make_user())
    assert client.get(f"/projects/{desk.project.id}/{path}").status_code == 404


def staff_user():
    user = make_user()
    User.objects.filter(pk=user.pk).update(is_staff=True)
    return User.objects.get(pk=user.pk)


def upload(data: bytes) -> dict:
    return {"archive": SimpleUploadedFile("project.json", data, content_type="application/json")}


@pytest.mark.django_db
def test_staff_upload_an_archive_and_land_on_the_new_project_as_its_admin(client):
    desk = build_rich_project()
    staff = staff_user()
    client.force_login(staff)
    assert client.get("/projects/import-archive/").status_code == 200
    response = client.post("/projects/import-archive/", upload(archive_bytes(desk.project)))
    copy = Project.objects.exclude(pk=desk.project.pk).get()
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{copy.pk}/"
    assert copy.memberships.get(user=staff).role == Role.ADMIN
    assert Verdict.objects.filter(annotation__article__project=copy).count() == (
        Verdict.objects.filter(annotation__article__project=desk.project).count()
    )
    assert "Imported" in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_a_project_admin_who_is_not_staff_cannot_import(client):
    desk = make_desk()
    client.force_login(desk.admin)
    response = client.post("/projects/import-archive/", upload(archive_bytes(desk.project)))
    assert response.status_code == 403
    assert Project.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"{}", "not a project archive"),
        (b"not json at all", "not a JSON archive"),
        (json.dumps({"format": archive.FORMAT, "format_version": 2}).encode(), "format version 2"),
    ],
)
def test_a_bad_upload_is_a_message_on_the_page_and_creates_nothing(client, data, says):
    client.force_login(staff_user())
    response = client.post("/projects/import-archive/", upload(data))
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Project.objects.exists()


@pytest.mark.django_db
def test_an_upload_without_a_file_names_the_field(client):
    client.force_login(staff_user())
    response = client.post("/projects/import-archive/", {})
    assert response.status_code == 400
    assert response.context["form"].errors["archive"]


@pytest.mark.django_db
def test_a_link_to_another_projects_claim_stays_behind_and_the_archive_still_imports():
    """A same-claim link travels only when both of its claims are the project's: the other
    project's claim is not in the archive, so the link could not be rebuilt."""
    desk = make_desk()
    other = make_desk()
    add_member(
        actor=other.admin, project_id=other.project.id, username=desk.editor.username, role=Role.EDITOR
    )
    here = make_annotation(desk, quote="The river rose")
    there = make_annotation(other, quote="The river rose")
    near = make_annotation(desk, article=here.article, quote="1,200 homes")
    link_claims(editor=desk.editor, annotation_id=here.id, same_as_id=there.id)
    link_claims(editor=desk.editor, annotation_id=near.id, same_as_id=here.id)

    carried = export_project(desk.project)["tables"]["claim_links"]
    assert [(row["claim"], row["same_as"]) for row in carried] == [(near.id, here.id)]
    copy = import_project(read_archive(archive_bytes(desk.project)))
    assert ClaimLink.objects.filter(claim__article__project=copy).count() == 1
