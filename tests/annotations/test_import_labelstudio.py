"""Importing a Label Studio JSON export: offsets, mapping, authors, dry runs and rollbacks.

The fixture ``tests/fixtures/labelstudio_export.json`` is written in Label Studio's export format
(labelstud.io/guide/export): task 101 counts offsets in code points as Label Studio's Text tag does
today, over an emoji, accented letters and a ``\\r\\n``; task 102 counts them in UTF-16 units, as
older versions did, over an emoji and a letter with a combining accent; task 103 is an image task.
"""

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from annotations.imports.labelstudio import canonical_positions, import_labelstudio, raw_span, utf16_offsets
from annotations.models import Annotation, Article, HistoryEntry, Role, Verdict
from annotations.services.projects import add_member
from annotations.services.review import adjudicate
from annotations.text import canonical_text
from tests.factories import make_desk, make_user
from workbench.errors import StateConflict

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "labelstudio_export.json"
MAPPING = {
    "Faux": "false",
    "Vrai": "true",
    "Plutôt vrai": "mostly_true",
    "Claim": "",
    "Chiffre": "",
    "Lieu": "",
}
CRUE = "Le maire 😀 a dit : la rivière a monté de 3,2 mètres.\nLes 1 200 maisons 🏠 sont inondées."
CAFE = "Café 🐱 owners said prices rose 12% in 2024."


def export():
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def desk():
    """A desk whose reviewers are Alice (known by her e-mail) and bob (Label Studio user 8)."""
    desk = make_desk()
    alice = make_user(username="alice")
    alice.email = "alice@example.org"
    alice.save()
    bob = make_user(username="bob")
    for user in (alice, bob):
        add_member(actor=desk.admin, project_id=desk.project.id, username=user.username, role=Role.REVIEWER)
    desk.alice, desk.bob = alice, bob
    return desk


def run(desk, **options):
    options.setdefault("export", export())
    options.setdefault("mapping", MAPPING)
    options.setdefault("authors", {"8": "bob"})
    return import_labelstudio(actor=desk.editor, project_id=desk.project.id, **options)


def spans(article):
    return sorted(article.annotations.values_list("start", "end", "quote"))


def desk_rows():
    return (
        Article.objects.count(),
        Annotation.objects.count(),
        Verdict.objects.count(),
        HistoryEntry.objects.count(),
    )


def test_offsets_in_code_points_and_in_utf16_units_land_on_the_same_words(desk):
    """Code point offsets (today's Label Studio) and UTF-16 offsets (its older versions) both come
    out as code points of the canonical text: the emoji, the accents, the \\r\\n and the combining
    accent cost no position."""
    report = run(desk)
    crue = Article.objects.get(title="La crue 😀")
    cafe = Article.objects.get(title="Label Studio task 102")
    assert crue.current_revision.text == CRUE
    assert cafe.current_revision.text == CAFE
    assert spans(crue) == [(19, 51, "la rivière a monté de 3,2 mètres"), (57, 72, "1 200 maisons 🏠")]
    assert spans(cafe) == [(0, 4, "Café"), (19, 34, "prices rose 12%")]
    for start, end, quote in spans(crue) + spans(cafe):
        text = CRUE if quote in CRUE else CAFE
        assert text[start:end] == quote
    assert report.articles_created == 2
    assert report.annotations_created == 4
    assert report.annotations_existing == 1  # bob marked Alice's words
    assert [item.where for item in report.unplaced] == ["Task 101, annotation 2, region b2"]


def test_verdicts_follow_the_mapping_and_the_authors(desk):
    """Alice is found by her e-mail (whatever its case), user 8 through the authors mapping; each
    region's choice becomes its author's verdict, its textarea the rationale, its labels tags."""
    report = run(desk)
    river = Annotation.objects.get(quote="la rivière a monté de 3,2 mètres")
    verdicts = {
        v.reviewer.username: (v.rating, v.rationale) for v in river.verdicts.select_related("reviewer")
    }
    assert verdicts == {
        "alice": ("false", "La station de mesure indique 2,1 m."),
        "bob": ("mostly_true", ""),
    }
    assert river.author == desk.alice
    houses = Annotation.objects.get(quote="1 200 maisons 🏠")
    assert sorted(houses.tags.values_list("name", flat=True)) == ["Chiffre", "Claim"]
    assert list(houses.verdicts.values_list("rating", flat=True)) == ["true"]
    assert report.verdicts_created == 4
    assert report.unmapped_authors == {}


def test_the_dry_run_reports_unmapped_labels_and_changes_nothing(desk):
    """Without a mapping for “Plutôt vrai” and “Lieu” the dry run names them with their counts, says
    what an import would create, and leaves the desk as it was."""
    mapping = {key: value for key, value in MAPPING.items() if key not in ("Plutôt vrai", "Lieu")}
    before = desk_rows()
    report = run(desk, mapping=mapping, dry_run=True)
    assert desk_rows() == before
    assert report.dry_run
    assert dict(report.unmapped_labels) == {"Plutôt vrai": 1, "Lieu": 1}
    assert report.labels_found["Claim"] == 4
    assert (report.articles_created, report.annotations_created, report.verdicts_created) == (2, 4, 3)


def test_an_unmapped_author_is_reported_and_left_out_unless_a_fallback_is_chosen(desk):
    """User 8 answers to no member: the report names them, their regions are skipped; with a
    fallback member, the work becomes that member's."""
    report = run(desk, authors={}, dry_run=True)
    assert report.unmapped_authors == {"8": {"id": 8, "regions": 1}}
    assert any("not a member" in item.reason for item in report.skipped)
    assert report.verdicts_created == 3

    report = run(desk, authors={}, fallback_author=desk.reviewers[0].username)
    river = Annotation.objects.get(quote="la rivière a monté de 3,2 mètres")
    assert set(river.verdicts.values_list("reviewer__username", "rating")) == {
        ("alice", "false"),
        (desk.reviewers[0].username, "mostly_true"),
    }


def test_an_error_midway_rolls_everything_back(desk):
    """After the first import an editor resolves the river claim. A second import that gives a
    new reviewer's verdict on it fails once its article and other work are written (the claim's
    verdicts are frozen): 409-style StateConflict, naming the region, and nothing of it remains."""
    run(desk)
    river = Annotation.objects.get(quote="la rivière a monté de 3,2 mètres")
    adjudicate(editor=desk.editor, annotation_id=river.id, rating="false", rationale="The gauge says 2.1 m.")
    before = desk_rows()
    with pytest.raises(StateConflict) as raised:
        run(desk, authors={"8": desk.reviewers[0].username})
    assert "Task 101, annotation 2, region b1" in raised.value.message_dict["export"][0]
    assert desk_rows() == before
    assert Article.objects.count() == 2


def test_a_bad_mapping_is_refused_before_anything_is_written(desk):
    """A mapping to no rating names the value; nothing is written."""
    before = desk_rows()
    with pytest.raises(ValidationError) as raised:
        run(desk, mapping={**MAPPING, "Faux": "bogus"})
    assert "Faux" in raised.value.message_dict["mapping"][0]
    assert desk_rows() == before


def test_a_second_import_keeps_the_verdicts_already_given(desk):
    """Importing the same export again re-imports the article of its url, finds the same spans and
    skips the verdicts their reviewers already gave."""
    run(desk)
    before = desk_rows()
    report = run(desk)
    assert report.articles_existing == 1
    assert report.verdicts_created == 1  # task 102 has no url, so it is a new article
    assert sum("already gave a verdict" in item.reason for item in report.skipped) == 3
    assert Article.objects.filter(url="https://news.example.org/crue").count() == 1
    assert desk_rows()[2] == before[2] + 1


def test_work_in_other_names_needs_an_editor_and_outsiders_get_404(desk):
    """An annotator may import an export whose work is all theirs; attributing work to other
    members needs an editor; a non-member learns nothing of the project."""
    with pytest.raises(PermissionDenied):
        import_labelstudio(actor=desk.annotator, project_id=desk.project.id, export=export(), mapping=MAPPING)
    own = [{"id": 1, "data": {"text": CAFE}, "annotations": [{"completed_by": 1, "result": []}]}]
    report = import_labelstudio(
        actor=desk.annotator,
        project_id=desk.project.id,
        export=own,
        authors={"1": desk.annotator.username},
    )
    assert report.articles_created == 1
    with pytest.raises(Http404):
        import_labelstudio(actor=make_user(), project_id=desk.project.id, export=export())


def test_an_annotator_author_gets_annotations_but_no_verdicts(desk):
    """Verdicts need a reviewer: an annotator's choices are reported, their spans still imported."""
    report = run(desk, authors={"8": desk.annotator.username})
    assert any(f"{desk.annotator.username} is not a reviewer" in item.reason for item in report.skipped)
    assert not Verdict.objects.filter(reviewer=desk.annotator).exists()


@pytest.mark.parametrize(
    "broken",
    [{"not": "tasks"}, "text", 12, [1, 2], [{"data": None}], [{"data": {"text": 5}, "annotations": "x"}]],
)
def test_a_broken_export_gets_a_clear_error_or_a_report_never_a_crash(desk, broken):
    """Shapes that are no export are refused naming the export; tasks without text are skipped."""
    try:
        report = run(desk, export=broken, dry_run=True)
    except ValidationError as error:
        assert "export" in error.message_dict
    else:
        assert report.articles_created == 0


def test_regions_with_odd_offsets_are_reported_with_the_reason(desk):
    """Offsets that are no span, past the end, or with no saved text where code points and UTF-16
    units disagree, are each reported rather than placed."""
    task = copy.deepcopy(export()[1])
    results = task["annotations"][0]["result"]
    results[0]["value"].pop("text")
    results[2]["value"] |= {"start": 3, "end": 3}
    results.append({"id": "c3", "type": "labels", "value": {"start": 40, "end": 400, "labels": ["x"]}})
    report = run(desk, export=[task], dry_run=True)
    reasons = {item.where.rsplit(" ", 1)[-1]: item.reason for item in report.unplaced}
    assert "UTF-16" in reasons["c1"]
    assert "not a span" in reasons["c2"]
    assert "past the end" in reasons["c3"]


def test_offset_conversion_by_hand():
    """UTF-16 offsets map to code points; canonical positions skip a \\r and join an accent."""
    text = "🐱 Warning: This is a test text"
    units = utf16_offsets(text)
    assert raw_span(text, units, 21, 25, "test") == (21, 25)
    assert raw_span(text, units, 22, 26, "test") == (21, 25)
    raw = "Cafe\u0301 au\r\nlait"
    # 4 splits the e from its accent, 9 the \r from its \n: neither has a place.
    assert canonical_positions(raw, canonical_text(raw), [0, 4, 6, 8, 9, 10, 14]) == {
        0: 0,
        6: 5,
        8: 7,
        10: 8,
        14: 12,
    }


def tasks_judged_by_two(n: int) -> list[dict]:
    region = {"start": 5, "end": 6, "text": "🐱", "labels": ["Claim"]}
    work = [
        {"id": "r", "type": "labels", "value": region},
        {"id": "r", "type": "choices", "value": {"choices": ["Vrai"]}},
    ]
    return [
        {
            "id": number,
            "data": {"text": f"Café 🐱 owners said prices rose 12%. Task {number}."},
            "annotations": [{"completed_by": 1, "result": work}, {"completed_by": 2, "result": work}],
        }
        for number in range(n)
    ]


@pytest.mark.parametrize("n", [5, 40])
def test_the_number_of_queries_does_not_grow_with_the_tasks(n, django_assert_max_num_queries):
    """Articles, annotations and verdicts are written in bulk: 5 tasks or 40, by two reviewers
    each, take the same few dozen queries."""
    desk = make_desk()
    authors = {"1": desk.reviewers[0].username, "2": desk.reviewers[1].username}
    with django_assert_max_num_queries(50):
        report = import_labelstudio(
            actor=desk.editor,
            project_id=desk.project.id,
            export=tasks_judged_by_two(n),
            mapping={"Vrai": "true"},
            authors=authors,
        )
    assert (report.articles_created, report.annotations_created, report.verdicts_created) == (n, n, 2 * n)
