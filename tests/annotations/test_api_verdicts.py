import threading

import pytest
from django.db import connection
from django.test import Client

from annotations.models import Evidence, HistoryEntry, Verdict
from sources.models import Source
from tests.factories import make_annotation, make_desk, make_verdict

pytestmark = pytest.mark.django_db

EVIDENCE = [
    {
        "url": "HTTPS://Example.org:443/report?utm_source=x&id=7#p2",
        "title": "Statistics office report",
        "stance": "refutes",
        "quote": "Prices rose 3.1%.",
    },
    {"url": "https://example.org/report?id=7", "stance": "context"},
]


def verdict_body(annotation, **fields):
    return {"annotation": annotation.id, "rating": "mostly_false", "confidence": "medium"} | fields


def test_a_verdict_is_created_with_its_evidence_in_one_go(api_client):
    desk = make_desk()
    annotation = make_annotation(desk)
    api_client.force_authenticate(desk.reviewers[0])
    body = verdict_body(annotation, rationale="The office says 3.1%.", evidence=EVIDENCE)
    response = api_client.post("/api/v1/verdicts/", body, format="json")
    assert response.status_code == 201, response.content
    verdict = response.json()
    assert verdict["rating"] == "mostly_false"
    assert verdict["reviewer"] == desk.reviewers[0].username
    assert [e["stance"] for e in verdict["evidence"]] == ["refutes", "context"]
    assert {e["url"] for e in verdict["evidence"]} == {"https://example.org/report?id=7"}
    assert Source.objects.get().title == "Statistics office report"
    assert response["ETag"] == f'"verdict-{verdict["id"]}-v1"'
    kinds = sorted(HistoryEntry.objects.values_list("object_type", flat=True))
    assert kinds == ["annotation", "evidence", "evidence", "verdict"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rating": "pants_on_fire"}, "rating"),
        ({"confidence": "total"}, "confidence"),
        ({"rationale": "r" * 20_001}, "rationale"),
        ({"evidence": [{"url": "javascript:alert(1)", "stance": "supports"}]}, "evidence"),
        ({"evidence": [{"url": "data:text/html,hi", "stance": "supports"}]}, "evidence"),
        ({"evidence": [{"url": "file:///etc/passwd", "stance": "supports"}]}, "evidence"),
        ({"evidence": [{"url": "https://example.org", "stance": "maybe"}]}, "evidence"),
        ({"evidence": [{"stance": "supports"}]}, "evidence"),
        ({"evidence": "https://example.org"}, "evidence"),
        ({"annotation": "first"}, "annotation"),
    ],
)
def test_bad_verdicts_are_400_naming_the_field_and_change_nothing(api_client, change, field):
    desk = make_desk()
    annotation = make_annotation(desk)
    api_client.force_authenticate(desk.reviewers[0])
    response = api_client.post("/api/v1/verdicts/", verdict_body(annotation) | change, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert (Verdict.objects.count(), Evidence.objects.count(), Source.objects.count()) == (0, 0, 0)


def test_evidence_errors_point_at_the_bad_item(api_client):
    desk = make_desk()
    annotation = make_annotation(desk)
    api_client.force_authenticate(desk.reviewers[0])
    evidence = [
        {"url": "https://example.org", "stance": "supports"},
        {"url": "ftp://x.org/a", "stance": "supports"},
    ]
    response = api_client.post(
        "/api/v1/verdicts/", verdict_body(annotation, evidence=evidence), format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["evidence"]) == ["1"]
    assert "http" in response.json()["evidence"]["1"]["url"][0]


def test_annotators_cannot_give_verdicts(api_client):
    desk = make_desk()
    annotation = make_annotation(desk)
    api_client.force_authenticate(desk.annotator)
    response = api_client.post("/api/v1/verdicts/", verdict_body(annotation), format="json")
    assert response.status_code == 403
    assert Verdict.objects.count() == 0


def test_a_second_verdict_by_the_same_reviewer_is_409_and_changes_nothing(api_client):
    verdict = make_verdict(rating="true")
    api_client.force_authenticate(verdict.reviewer)
    response = api_client.post(
        "/api/v1/verdicts/",
        verdict_body(verdict.annotation, rating="false", evidence=EVIDENCE),
        format="json",
    )
    assert response.status_code == 409
    assert "non_field_errors" in response.json()
    assert Verdict.objects.get().rating == "true"
    assert Evidence.objects.count() == 0


def test_editing_a_verdict_keeps_history_and_honours_if_match(api_client):
    verdict = make_verdict(rating="true", rationale="First look", evidence=EVIDENCE[:1])
    api_client.force_authenticate(verdict.reviewer)
    url = f"/api/v1/verdicts/{verdict.id}/"
    etag = api_client.get(url)["ETag"]
    new_evidence = [{"url": "https://stats.example.org/table", "stance": "refutes"}]
    response = api_client.patch(
        url,
        {"rating": "false", "rationale": "Second look", "evidence": new_evidence},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert [e["url"] for e in response.json()["evidence"]] == ["https://stats.example.org/table"]
    stale = api_client.patch(url, {"rating": "mixed"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Verdict.objects.get().rating == "false"
    history = api_client.get(f"/api/v1/history/?object=verdict:{verdict.id}").json()["results"]
    assert [(h["action"], (h["before"] or {}).get("rating"), h["after"]["rating"]) for h in history] == [
        ("create", None, "true"),
        ("update", "true", "false"),
    ]
    evidence_history = api_client.get(
        f"/api/v1/history/?annotation={verdict.annotation_id}&object_type=evidence"
    )
    assert [h["action"] for h in evidence_history.json()["results"]] == ["create", "delete", "create"]


def test_nobody_edits_someone_elses_verdict(api_client):
    desk = make_desk()
    annotation = make_annotation(desk)
    verdict = make_verdict(desk, annotation=annotation, reviewer=desk.reviewers[0])
    make_verdict(desk, annotation=annotation, reviewer=desk.reviewers[1])
    api_client.force_authenticate(desk.reviewers[1])
    response = api_client.patch(f"/api/v1/verdicts/{verdict.id}/", {"rating": "false"}, format="json")
    assert response.status_code == 403
    api_client.force_authenticate(desk.editor)
    assert (
        api_client.patch(f"/api/v1/verdicts/{verdict.id}/", {"rating": "false"}, format="json").status_code
        == 403
    )
    assert Verdict.objects.get(pk=verdict.pk).rating == "true"


def test_two_matching_verdicts_agree_and_differing_ones_dispute(api_client):
    desk = make_desk()
    agreed = make_annotation(desk, quote="The river rose")
    disputed = make_annotation(desk, quote="1,200 homes")
    for reviewer in desk.reviewers:
        make_verdict(desk, annotation=agreed, reviewer=reviewer, rating="mostly_true")
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[1], rating="false")
    api_client.force_authenticate(desk.editor)
    assert api_client.get(f"/api/v1/annotations/{agreed.id}/").json()["final_rating"] == "mostly_true"
    assert api_client.get(f"/api/v1/annotations/{agreed.id}/").json()["status"] == "agreed"
    assert api_client.get(f"/api/v1/annotations/{disputed.id}/").json()["status"] == "disputed"


def test_blind_review_hides_other_verdicts_until_mine_is_in(api_client):
    desk = make_desk()
    annotation = make_annotation(desk)
    first = make_verdict(
        desk, annotation=annotation, reviewer=desk.reviewers[0], rating="false", evidence=EVIDENCE
    )
    me = desk.reviewers[1]
    api_client.force_authenticate(me)

    detail = api_client.get(f"/api/v1/annotations/{annotation.id}/").json()
    assert detail["verdicts"] == []
    assert api_client.get("/api/v1/verdicts/").json()["count"] == 0
    assert api_client.get(f"/api/v1/verdicts/{first.id}/").status_code == 404
    assert api_client.get("/api/v1/evidence/").json()["count"] == 0
    assert (
        api_client.get(f"/api/v1/annotations/?rating=false&annotation={annotation.id}").json()["count"] == 0
    )
    hidden = api_client.get(f"/api/v1/history/?annotation={annotation.id}").json()["results"]
    assert {entry["object_type"] for entry in hidden} == {"annotation"}

    make_verdict(desk, annotation=annotation, reviewer=me, rating="false")
    detail = api_client.get(f"/api/v1/annotations/{annotation.id}/").json()
    assert sorted(v["reviewer"] for v in detail["verdicts"]) == sorted(r.username for r in desk.reviewers)
    assert detail["final_rating"] == "false"
    assert api_client.get(f"/api/v1/verdicts/{first.id}/").status_code == 200
    assert api_client.get("/api/v1/evidence/").json()["count"] == 2


def test_editors_see_every_verdict_without_judging(api_client):
    desk = make_desk()
    verdict = make_verdict(desk)
    api_client.force_authenticate(desk.editor)
    assert api_client.get(f"/api/v1/verdicts/{verdict.id}/").status_code == 200
    assert len(api_client.get(f"/api/v1/annotations/{verdict.annotation_id}/").json()["verdicts"]) == 1


def test_verdict_and_evidence_lists_run_a_fixed_number_of_queries(api_client, django_assert_max_num_queries):
    desk = make_desk()
    for i in range(12):
        annotation = make_annotation(desk, quote="The river rose" if i == 0 else None, article=None)
        make_verdict(
            desk, annotation=annotation, evidence=[{"url": f"https://e.org/{i}", "stance": "refutes"}]
        )
    api_client.force_authenticate(desk.editor)
    with django_assert_max_num_queries(4):
        assert api_client.get("/api/v1/verdicts/?page_size=50").json()["count"] == 12
    with django_assert_max_num_queries(3):
        assert api_client.get("/api/v1/evidence/").json()["count"] == 12
    with django_assert_max_num_queries(3):
        assert api_client.get("/api/v1/history/").json()["count"] >= 36


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL's row locks")
def test_concurrent_duplicate_verdicts_yield_one_201_and_one_409():
    desk = make_desk()
    annotation = make_annotation(desk)
    reviewer = desk.reviewers[0]
    barrier = threading.Barrier(2)
    codes = []

    def submit(rating):
        client = Client()
        client.force_login(reviewer)
        barrier.wait()
        response = client.post(
            "/api/v1/verdicts/", verdict_body(annotation, rating=rating), content_type="application/json"
        )
        codes.append(response.status_code)
        connection.close()

    threads = [threading.Thread(target=submit, args=(rating,)) for rating in ("true", "false")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [201, 409]
    assert Verdict.objects.filter(annotation=annotation).count() == 1
