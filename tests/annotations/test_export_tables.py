"""CSV and JSONL exports of a project's claims: their exact shape, streaming with a fixed number of
queries per page, formula neutralization, unicode, filters, blind review and roles."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.test import Client

from annotations.exports import tables
from annotations.models import Annotation, Project, Verdict
from annotations.selectors import annotations_visible_to
from annotations.services.review import adjudicate
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

EXPORTS = ["claims.csv", "claims-verdicts.csv", "claims-evidence.csv", "claims.jsonl"]


def download(client, export: str, **query):
    response = client.get(f"/api/v1/exports/{export}", query)
    assert response.status_code == 200, response.content
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def lines(client, **query) -> list[dict]:
    return [json.loads(line) for line in download(client, "claims.jsonl", **query).splitlines()]


def rows(client, export: str = "claims.csv", **query) -> list[dict]:
    return list(csv.DictReader(io.StringIO(download(client, export, **query))))


def user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def demo(api_client):
    call_command("load_demo", stdout=io.StringIO())
    return Project.objects.get(name="Demo desk")


def demo_claim(quote_start: str) -> Annotation:
    return Annotation.objects.get(quote__startswith=quote_start)


def test_demo_desk_jsonl_line_of_a_resolved_claim_is_exact_for_the_editor(api_client, demo):
    """The editor's line of the adjudicated coffee claim holds the claim, its final rating and both
    reviewers' verdicts with their evidence, nested, in this exact shape."""
    api_client.force_authenticate(user("editor"))
    claim = demo_claim("drinking two to three cups")
    by_id = {line["id"]: line for line in lines(api_client, project=demo.id)}
    verdicts = list(Verdict.objects.filter(annotation=claim).order_by("created_at", "id"))
    assert by_id[claim.id] == {
        "id": claim.id,
        "project": {"id": demo.id, "name": "Demo desk"},
        "article": {
            "id": claim.article_id,
            "title": "Does coffee really add years to your life? ☕",
            "url": "https://example.org/health/coffee-years",
        },
        "revision": 1,
        "span": {"start": claim.start, "end": claim.end, "unit": "code_point"},
        "quote": "drinking two to three cups of coffee a day was linked to a 12% lower risk of early death",
        "claim": "Two to three cups of coffee a day are linked to a 12% lower risk of early death.",
        "tags": ["health"],
        "status": "resolved",
        "final_rating": "mostly_true",
        "final_rating_value": 4,
        "orphaned": False,
        "merged_into": None,
        "author": "annotator",
        "created_at": claim.created_at.isoformat().replace("+00:00", "Z"),
        "verdicts": [
            {
                "id": verdicts[0].id,
                "reviewer": "reviewer1",
                "rating": "mostly_true",
                "blind_rating": "mostly_true",
                "independent": True,
                "revised_after_reveal": False,
                "confidence": "high",
                "rationale": "The UK Biobank study reports about 12% for 2-3 cups.",
                "created_at": verdicts[0].created_at.isoformat().replace("+00:00", "Z"),
                "evidence": [
                    {
                        "url": "https://doi.org/10.1093/eurjpc/zwac189",
                        "title": "European Journal of Preventive Cardiology",
                        "stance": "supports",
                        "quote": "2-3 cups per day",
                    }
                ],
            },
            {
                "id": verdicts[1].id,
                "reviewer": "reviewer2",
                "rating": "false",
                "blind_rating": "false",
                "independent": True,
                "revised_after_reveal": False,
                "confidence": "medium",
                "rationale": "I misread the study's hazard ratios.",
                "created_at": verdicts[1].created_at.isoformat().replace("+00:00", "Z"),
                "evidence": [],
            },
        ],
    }
    assert sorted(by_id) == sorted(Annotation.objects.values_list("id", flat=True))


def test_demo_desk_csv_tables_are_exact_and_join_on_their_ids(api_client, demo):
    """claims.csv has one row per claim with flat columns; claims-verdicts.csv one row per verdict
    and claims-evidence.csv one row per piece of evidence, keyed by claim and verdict ids."""
    api_client.force_authenticate(user("editor"))
    claim = demo_claim("São Paulo recorded")
    claims = rows(api_client, project=demo.id)
    assert list(claims[0]) == list(tables.CLAIMS.columns)
    assert len(claims) == Annotation.objects.count()
    assert next(row for row in claims if row["claim_id"] == str(claim.id)) == {
        "claim_id": str(claim.id),
        "project_id": str(demo.id),
        "project_name": "Demo desk",
        "article_id": str(claim.article_id),
        "article_title": "São Paulo's record rainfall: what the prefeitura said",
        "article_url": "https://example.org/clima/sao-paulo-chuva",
        "revision": "1",
        "start": "0",
        "end": "45",
        "quote": "São Paulo recorded 312 mm of rain in February",
        "claim": "São Paulo had 312 mm of rain in February.",
        "tags": "climate",
        "status": "agreed",
        "final_rating": "true",
        "final_rating_value": "5",
        "orphaned": "false",
        "merged_into": "",
        "author": "annotator",
        "created_at": claim.created_at.isoformat().replace("+00:00", "Z"),
    }
    verdicts = rows(api_client, "claims-verdicts.csv", project=demo.id)
    assert list(verdicts[0]) == list(tables.VERDICTS.columns)
    assert len(verdicts) == Verdict.objects.count()
    first, second = [row for row in verdicts if row["claim_id"] == str(claim.id)]
    assert (first["reviewer"], first["rating"], first["independent"], first["confidence"]) == (
        "reviewer1",
        "true",
        "true",
        "high",
    )
    assert second["rationale"] == "CGE data confirm it."
    evidence = rows(api_client, "claims-evidence.csv", project=demo.id)
    assert list(evidence[0]) == list(tables.EVIDENCE.columns)
    of_claim = [row for row in evidence if row["claim_id"] == str(claim.id)]
    assert [(row["verdict_id"], row["url"], row["stance"], row["quote"]) for row in of_claim] == [
        (
            first["verdict_id"],
            "https://www.cgesp.org/v3/boletim-fevereiro",
            "supports",
            "312 mm acumulados em fevereiro",
        ),
        (second["verdict_id"], "https://www.cgesp.org/v3/boletim-fevereiro", "supports", ""),
    ]


def test_pandas_loads_the_csv_tables_without_work(api_client, demo):
    """The tables load with pandas' defaults: numbers, booleans and a left join on claim_id."""
    pd = pytest.importorskip("pandas")
    api_client.force_authenticate(user("editor"))
    claims = pd.read_csv(io.StringIO(download(api_client, "claims.csv", project=demo.id)))
    verdicts = pd.read_csv(io.StringIO(download(api_client, "claims-verdicts.csv", project=demo.id)))
    assert claims["orphaned"].dtype == bool
    assert verdicts["independent"].dtype == bool
    assert str(claims["claim_id"].dtype).startswith("int")
    joined = claims.merge(verdicts, on="claim_id", how="left", suffixes=("", "_verdict"))
    assert len(joined) == Verdict.objects.count() + Annotation.objects.filter(verdicts__isnull=True).count()


def test_every_export_is_an_attachment_with_its_media_type_and_a_header(api_client):
    desk = make_desk()
    api_client.force_authenticate(desk.editor)
    expected = {
        "claims.csv": ("text/csv; charset=utf-8", "claims.csv"),
        "claims-verdicts.csv": ("text/csv; charset=utf-8", "claims-verdicts.csv"),
        "claims-evidence.csv": ("text/csv; charset=utf-8", "claims-evidence.csv"),
        "claims.jsonl": ("application/x-ndjson; charset=utf-8", "claims.jsonl"),
    }
    for export, (media_type, name) in expected.items():
        response = api_client.get(f"/api/v1/exports/{export}", {"project": desk.project.id})
        assert response.status_code == 200
        assert response["Content-Type"] == media_type
        assert response["Content-Disposition"] == f'attachment; filename="project-{desk.project.id}-{name}"'
        body = b"".join(response.streaming_content).decode()
        if export.endswith(".csv"):
            assert body.splitlines() == [",".join(tables.TABLES[export.removesuffix(".csv")].columns)]
        else:
            assert body == ""


def generated_desk():
    """A desk with a judged claim, an agreed one and an untouched one on one article."""
    desk = make_desk()
    article = make_article(
        desk, title="Generated", text="Alpha said one.\n\nBeta said two.\n\nGamma said three."
    )
    judged = make_annotation(desk, article=article, quote="Alpha said one.", tags=["b", "a"])
    make_verdict(
        desk,
        annotation=judged,
        rating="mixed",
        confidence="low",
        rationale="Half right.",
        evidence=[
            {"url": "https://one.example.org/x", "title": "One", "stance": "supports", "quote": "q1"},
            {"url": "https://two.example.org/y", "title": "Two", "stance": "refutes", "quote": ""},
        ],
    )
    agreed = make_annotation(desk, article=article, quote="Beta said two.")
    for reviewer in desk.reviewers:
        make_verdict(desk, annotation=agreed, reviewer=reviewer, rating="false")
    fresh = make_annotation(desk, article=article, quote="Gamma said three.", claim="Gamma spoke.")
    return desk, article, judged, agreed, fresh


def test_generated_data_exports_in_the_same_shape_in_csv_and_jsonl(api_client):
    """Each claim is one JSONL line and one CSV row; tags in name order; evidence in its order."""
    desk, _article, judged, agreed, fresh = generated_desk()
    api_client.force_authenticate(desk.editor)
    found = lines(api_client, project=desk.project.id)
    assert [line["id"] for line in found] == [judged.id, agreed.id, fresh.id]
    assert found[0]["tags"] == ["a", "b"]
    assert found[0]["status"] == "needs_review"
    assert found[0]["final_rating"] is None
    assert [item["url"] for item in found[0]["verdicts"][0]["evidence"]] == [
        "https://one.example.org/x",
        "https://two.example.org/y",
    ]
    assert (found[1]["status"], found[1]["final_rating"], found[1]["final_rating_value"]) == (
        "agreed",
        "false",
        1,
    )
    assert [verdict["reviewer"] for verdict in found[1]["verdicts"]] == [r.username for r in desk.reviewers]
    assert found[2]["claim"] == "Gamma spoke." and found[2]["verdicts"] == []
    claims = rows(api_client, project=desk.project.id)
    assert [row["tags"] for row in claims] == ["a|b", "", ""]
    assert [row["quote"] for row in claims] == [line["quote"] for line in found]
    assert len(rows(api_client, "claims-verdicts.csv", project=desk.project.id)) == 3
    assert len(rows(api_client, "claims-evidence.csv", project=desk.project.id)) == 2


def test_offsets_count_code_points_and_text_stays_unicode(api_client):
    """Emoji, Hangul and combining marks come out as UTF-8 text, and start/end index the
    revision's text by code points."""
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT + "\n\nSpın\u0308al Tap.")
    emoji = make_annotation(desk, article=article, quote="서울 said 😀 prices")
    combining = make_annotation(desk, article=article, quote="Spın\u0308al Tap")
    api_client.force_authenticate(desk.editor)
    text = article.current_revision.text
    for line in lines(api_client, project=desk.project.id):
        assert text[line["span"]["start"] : line["span"]["end"]] == line["quote"]
    by_id = {int(row["claim_id"]): row for row in rows(api_client, project=desk.project.id)}
    assert by_id[emoji.id]["quote"] == "서울 said 😀 prices"
    assert by_id[combining.id]["quote"] == "Spın\u0308al Tap"
    assert (
        "😀".encode() in api_client.get("/api/v1/exports/claims.csv", {"project": desk.project.id}).getvalue()
    )


def test_line_separators_inside_text_do_not_break_a_jsonl_line(api_client):
    """U+2028 in a rationale is escaped, so that every line break of the file ends a record."""
    desk = make_desk()
    make_verdict(desk, rationale="First\u2028second\u2029third\nfourth")
    api_client.force_authenticate(desk.editor)
    body = download(api_client, "claims.jsonl", project=desk.project.id)
    assert "\u2028" not in body and "\u2029" not in body
    assert len(body.splitlines()) == 1
    assert json.loads(body)["verdicts"][0]["rationale"] == "First\u2028second\u2029third\nfourth"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_neutralized(api_client, start):
    """A cell beginning with =, +, -, @, a tab or a carriage return gets a leading apostrophe;
    the JSONL keeps the exact text."""
    desk = make_desk()
    payload = f'{start}HYPERLINK("https://evil.example")'
    claim = make_annotation(desk, claim=payload)
    make_verdict(
        desk,
        annotation=claim,
        rationale=payload,
        evidence=[{"url": "https://e.org/a", "stance": "context", "quote": payload}],
    )
    api_client.force_authenticate(desk.editor)
    assert rows(api_client, project=desk.project.id)[0]["claim"] == "'" + payload
    assert rows(api_client, "claims-verdicts.csv", project=desk.project.id)[0]["rationale"] == "'" + payload
    assert rows(api_client, "claims-evidence.csv", project=desk.project.id)[0]["quote"] == "'" + payload
    assert lines(api_client, project=desk.project.id)[0]["claim"] == payload


def test_cells_that_only_contain_trigger_characters_later_are_left_alone():
    assert tables.cell("a=b") == "a=b"
    assert tables.cell(-3) == -3
    assert tables.cell(None) == ""
    assert tables.cell(True) == "true"


def test_filters_of_the_annotation_list_narrow_every_export(api_client):
    """status, rating, tag, article, q and the created range select the claims exported."""
    desk, article, judged, agreed, fresh = generated_desk()
    other = make_annotation(desk, quote="The mayor said")
    api_client.force_authenticate(desk.editor)
    project = desk.project.id

    def ids(**query):
        return [line["id"] for line in lines(api_client, project=project, **query)]

    assert ids(status="agreed") == [agreed.id]
    assert ids(rating="false") == [agreed.id]
    assert ids(tag="a") == [judged.id]
    assert ids(article=article.id) == [judged.id, agreed.id, fresh.id]
    assert ids(q="gamma") == [fresh.id]
    assert ids(created_after=other.created_at.isoformat()) == [other.id]
    assert ids(created_before=judged.created_at.isoformat()) == []
    assert [
        row["claim_id"] for row in rows(api_client, "claims-verdicts.csv", project=project, status="agreed")
    ] == [str(agreed.id)] * 2


@pytest.mark.parametrize("export", EXPORTS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "project"),
        ({"project": "x"}, "project"),
        ({"status": "nonsense"}, "status"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"article": "0"}, "article"),
        # An empty value where the schema's enum admits none, as on the lists.
        ({"rating": ""}, "rating"),
        ({"status": ""}, "status"),
    ],
)
def test_bad_filters_answer_400_json_before_anything_streams(api_client, export, query, field):
    desk = make_desk()
    api_client.force_authenticate(desk.editor)
    response = api_client.get(
        f"/api/v1/exports/{export}", {"project": desk.project.id, **query} if field != "project" else query
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()


def test_an_accept_header_for_the_export_gets_the_export_and_errors_still_json(api_client):
    desk = make_desk()
    api_client.force_authenticate(desk.editor)
    ok = api_client.get("/api/v1/exports/claims.csv", {"project": desk.project.id}, HTTP_ACCEPT="text/csv")
    assert ok.status_code == 200
    bad = api_client.get("/api/v1/exports/claims.csv", {"project": "x"}, HTTP_ACCEPT="text/csv")
    assert bad.status_code == 400
    assert bad["Content-Type"] == "application/json"


def blind_desk():
    """required_verdicts 3; reviewers 1 and 2 disagree; reviewer 3 has judged nothing."""
    desk = make_desk(reviewers=3, required_verdicts=3)
    claim = make_annotation(desk)
    make_verdict(
        desk,
        annotation=claim,
        reviewer=desk.reviewers[0],
        rating="true",
        evidence=[{"url": "https://secret.example.org/", "stance": "supports"}],
    )
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    return desk, claim


@pytest.mark.parametrize("export", EXPORTS)
def test_a_reviewer_who_has_not_judged_sees_no_verdicts_and_no_dispute(api_client, export):
    """Blind review: no other reviewer's verdict, rating, rationale or evidence in any export, and
    the dispute reads needs_review, as in the pages."""
    desk, claim = blind_desk()
    claim.refresh_from_db()
    assert claim.status == "disputed"
    api_client.force_authenticate(desk.reviewers[2])
    body = download(api_client, export, project=desk.project.id)
    assert desk.reviewers[0].username not in body and desk.reviewers[1].username not in body
    assert "secret.example.org" not in body
    assert "disputed" not in body
    if export == "claims.jsonl":
        (line,) = lines(api_client, project=desk.project.id)
        assert (line["status"], line["verdicts"]) == ("needs_review", [])
    if export == "claims.csv":
        assert rows(api_client, project=desk.project.id)[0]["status"] == "needs_review"
    assert download(api_client, "claims.jsonl", project=desk.project.id, status="disputed") == ""


def test_once_judged_a_reviewer_sees_every_verdict_and_the_dispute(api_client):
    desk, claim = blind_desk()
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[2], rating="mixed")
    api_client.force_authenticate(desk.reviewers[2])
    (line,) = lines(api_client, project=desk.project.id)
    assert line["status"] == "disputed"
    assert [verdict["reviewer"] for verdict in line["verdicts"]] == [r.username for r in desk.reviewers]
    assert line["verdicts"][0]["evidence"][0]["url"] == "https://secret.example.org/"


def test_an_annotator_sees_final_ratings_but_no_verdicts(api_client):
    """Published results are every member's; the verdicts behind them follow blind review."""
    desk = make_desk()
    claim = make_annotation(desk)
    adjudicate(editor=desk.editor, annotation_id=claim.id, rating="misleading", rationale="Settled.")
    make_verdict(desk, annotation=make_annotation(desk, quote="The mayor said"))
    api_client.force_authenticate(desk.annotator)
    found = lines(api_client, project=desk.project.id)
    assert [(line["status"], line["final_rating"], line["verdicts"]) for line in found] == [
        ("resolved", "misleading", []),
        ("needs_review", None, []),
    ]
    assert rows(api_client, "claims-verdicts.csv", project=desk.project.id) == []


def test_an_editor_who_reviews_blind_is_blind_in_exports_too(api_client):
    desk, _claim = blind_desk()
    from annotations.models import Membership

    Membership.objects.filter(user=desk.editor).update(review_blind=True)
    api_client.force_authenticate(desk.editor)
    (line,) = lines(api_client, project=desk.project.id)
    assert (line["status"], line["verdicts"]) == ("needs_review", [])


@pytest.mark.parametrize("export", EXPORTS)
def test_outsiders_get_404_and_anonymous_callers_401(api_client, export):
    desk = make_desk()
    make_verdict(desk)
    api_client.force_authenticate(make_desk().admin)
    response = api_client.get(f"/api/v1/exports/{export}", {"project": desk.project.id})
    assert response.status_code == 404
    assert response.json() == {"detail": "No such project."}
    anonymous = Client().get(f"/api/v1/exports/{export}", {"project": desk.project.id})
    assert anonymous.status_code == 401
    assert "detail" in anonymous.json()


def test_a_session_login_downloads_as_the_pages_do():
    desk = make_desk()
    make_verdict(desk)
    client = Client()
    client.force_login(desk.reviewers[0])
    response = client.get("/api/v1/exports/claims.jsonl", {"project": desk.project.id})
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).splitlines()) == 1


def many_claims(desk, n: int):
    words = [f"Claim number {i} is here." for i in range(n)]
    article = make_article(desk, text=" ".join(words))
    for i, quote in enumerate(words):
        claim = make_annotation(desk, article=article, quote=quote, tags=[f"t{i % 3}"])
        make_verdict(desk, annotation=claim, evidence=[{"url": f"https://e.org/{i}", "stance": "context"}])


def count_queries(django_assert_num_queries, stream) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        for _chunk in stream:
            pass
    return len(captured)


@pytest.mark.parametrize("table", [None, *tables.TABLES.values()], ids=["jsonl", *tables.TABLES])
def test_each_page_of_claims_runs_the_same_queries(django_assert_num_queries, table):
    """Three pages cost three times the queries of one: a fixed number per page, whatever the size."""
    desk = make_desk()
    many_claims(desk, 11)
    claims = annotations_visible_to(desk.editor).filter(article__project=desk.project)

    def stream(queryset):
        if table is None:
            return tables.jsonl_stream(desk.project, queryset, chunk_size=4)
        return tables.csv_stream(table, desk.project, queryset, chunk_size=4)

    one_page = count_queries(django_assert_num_queries, stream(claims.filter(pk__in=claims.values("pk")[:3])))
    three_pages = count_queries(django_assert_num_queries, stream(claims))
    assert three_pages == 3 * one_page
    # JSONL: the claims, their tags, their verdicts, the verdicts' evidence; SQLite reads the
    # page's last id first.
    per_page = {None: 4, "claims": 2, "claims-verdicts": 2, "claims-evidence": 3}[table and table.name]
    assert one_page == per_page + (connection.vendor == "sqlite")


@pytest.mark.parametrize("export", EXPORTS)
def test_an_export_over_the_api_runs_a_fixed_number_of_queries(
    api_client, django_assert_max_num_queries, export
):
    desk = make_desk()
    many_claims(desk, 12)
    api_client.force_authenticate(desk.editor)
    with django_assert_max_num_queries(8):
        response = api_client.get(f"/api/v1/exports/{export}", {"project": desk.project.id})
        body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.count(b"\n") >= 12


def test_the_project_page_and_the_done_queue_offer_the_exports_with_their_filters():
    desk = make_desk()
    client = Client()
    client.force_login(desk.annotator)
    home = client.get(f"/projects/{desk.project.id}/").content.decode()
    for name in ("claims.csv", "claims-verdicts.csv", "claims-evidence.csv", "claims.jsonl"):
        assert f'href="/api/v1/exports/{name}?project={desk.project.id}"' in home
    done = client.get(f"/projects/{desk.project.id}/queues/done/").content.decode()
    query = f"project={desk.project.id}&amp;status=agreed&amp;status=resolved&amp;orphaned=false"
    assert f'href="/api/v1/exports/claims.jsonl?{query}"' in done
    to_review = client.get(f"/projects/{desk.project.id}/queues/to-review/").content.decode()
    assert "/api/v1/exports/" not in to_review
    assert make_user()  # an unrelated user changes nothing of the above


def test_the_garbage_collector_is_on_again_after_each_page_and_after_a_broken_off_export():
    """The JSONL export turns Python's cyclic collector off while it builds a page, never while a
    page is being sent, and a download broken off between pages leaves it on."""
    import gc

    desk = make_desk()
    many_claims(desk, 5)
    claims = annotations_visible_to(desk.editor).filter(article__project=desk.project)
    stream = tables.jsonl_stream(desk.project, claims, chunk_size=2)
    assert next(stream).count(b"\n") == 2
    assert gc.isenabled()
    stream.close()
    assert gc.isenabled()
    assert b"".join(tables.jsonl_stream(desk.project, claims, chunk_size=2)).count(b"\n") == 5
    assert gc.isenabled()
