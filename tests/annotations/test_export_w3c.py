"""W3C Web Annotations: one claim, an article's AnnotationCollection and its pages.

Exact structure over emoji and combining marks (positions count code points), paging, content
negotiation, blind review and roles, the OpenAPI schema, and JSON-LD expansion with pyld through a
bundled copy of the anno.jsonld context (no network).
"""

import json
from datetime import UTC
from pathlib import Path

import jsonschema
import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pyld import jsonld

from annotations.models import Annotation, Article, Disagreement
from annotations.services.articles import add_revision
from annotations.services.review import merge_annotations
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

ANNO = "http://www.w3.org/ns/anno.jsonld"
ANNO_MEDIA_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
CONTEXT_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "anno.jsonld"
ORIGIN = "http://testserver"
OA = "http://www.w3.org/ns/oa#"
AS = "http://www.w3.org/ns/activitystreams#"
DCTERMS = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_VALUE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#value"

# A flag (two code points), a thumb with a skin tone (two), a family joined by ZWJs (five), and
# letters with combining marks that NFC keeps apart (q + U+0307, x + U+0331 + U+0303, in canonical order).
MARKED_TEXT = (
    "Prices in Seoul 🇰🇷 rose 12% 👍🏽 in 2024, said q\u0307uinn x\u0331\u0303avier.\n\n"
    "The 👨‍👩‍👧 family paid 30% more for rice; the mayor denied it."
)


def iso(moment) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def w3c(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def annotation_url(claim) -> str:
    return f"/api/v1/w3c/annotations/{claim.pk}/"


def article_url(article) -> str:
    return f"/api/v1/w3c/articles/{article.pk}/"


def purposes(annotation) -> list[str]:
    return [body["purpose"] for body in annotation["body"]]


# JSON-LD expansion, offline


def bundled_context_loader(url, options=None):
    """pyld's document loader: the bundled anno.jsonld for its IRI, a refusal for anything else."""
    if url != ANNO:
        raise jsonld.JsonLdError(
            f"No network in tests: refused to load {url}.",
            "jsonld.LoadDocumentError",
            {"url": url},
            code="loading document failed",
        )
    return {
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads(CONTEXT_FILE.read_text(encoding="utf-8")),
    }


def expand(document) -> list[dict]:
    return jsonld.expand(document, {"documentLoader": bundled_context_loader})


def values(node, iri):
    return node.get(iri, [])


def the(node, iri):
    (found,) = values(node, iri)
    return found


@pytest.fixture
def flagged_claim():
    """A claim over a flag, a skin-toned thumb and a combining mark, judged alike by two reviewers
    (agreed), the first with a rationale and quoted evidence."""
    desk = make_desk(reviewers=2)
    article = make_article(desk, text=MARKED_TEXT, url="https://example.org/news/seoul-prices")
    quote = "🇰🇷 rose 12% 👍🏽 in 2024, said q\u0307uinn"
    claim = make_annotation(
        desk, article=article, quote=quote, claim="Seoul prices rose 12% in 2024.", tags=["prices", "asia"]
    )
    first = make_verdict(
        desk,
        annotation=claim,
        reviewer=desk.reviewers[0],
        rating="false",
        rationale="Statistics Korea puts it at 3.6 %.",
        evidence=[
            {
                "url": "https://kostat.go.kr/cpi-2024",
                "title": "CPI 2024",
                "stance": "refutes",
                "quote": "물가 3.6% 상승 😮",
            }
        ],
    )
    second = make_verdict(
        desk, annotation=claim, reviewer=desk.reviewers[1], rating="false", confidence="low"
    )
    claim.refresh_from_db()
    return desk, article, claim, first, second


def test_an_annotation_over_emoji_and_combining_marks_has_this_exact_structure(api_client, flagged_claim):
    """Every property of the W3C form, the positions in code points (not UTF-16 units), the
    quote exactly text[start:end], the verdicts and the desk's final rating as bodies."""
    desk, article, claim, first, second = flagged_claim
    api_client.force_authenticate(desk.editor)
    text = article.current_revision.text
    start = text.index("🇰🇷")
    end = start + len("🇰🇷 rose 12% 👍🏽 in 2024, said q\u0307uinn")
    assert (claim.start, claim.end) == (start, end)
    # The flag and the thumb are two code points each beyond the BMP: eight UTF-16 units.
    assert utf16_units(text[:end]) == end + 4
    evidence = first.evidence.get()
    revision = article.current_revision
    person = {"type": "Person", "nickname": desk.reviewers[0].username}
    other = {"type": "Person", "nickname": desk.reviewers[1].username}

    annotation = w3c(api_client, annotation_url(claim))

    assert annotation == {
        "@context": ANNO,
        "id": f"{ORIGIN}/api/v1/w3c/annotations/{claim.pk}/",
        "type": "Annotation",
        "created": iso(claim.created_at),
        "modified": iso(claim.updated_at),
        "creator": {"type": "Person", "nickname": desk.annotator.username},
        "body": [
            {
                "type": "TextualBody",
                "purpose": "describing",
                "value": "Seoul prices rose 12% in 2024.",
                "format": "text/plain",
            },
            {"type": "TextualBody", "purpose": "tagging", "value": "asia", "format": "text/plain"},
            {"type": "TextualBody", "purpose": "tagging", "value": "prices", "format": "text/plain"},
            {
                "id": f"{ORIGIN}/api/v1/w3c/annotations/{claim.pk}/#final-rating",
                "type": "TextualBody",
                "purpose": "assessing",
                "value": "False",
                "format": "text/plain",
                "rating": "false",
                "creator": {
                    "id": f"{ORIGIN}/api/v1/projects/{desk.project.pk}/",
                    "type": "Organization",
                    "name": desk.project.name,
                },
            },
            {
                "id": f"{ORIGIN}/api/v1/verdicts/{first.pk}/",
                "type": "TextualBody",
                "purpose": "assessing",
                "value": "False",
                "format": "text/plain",
                "rating": "false",
                "confidence": "high",
                "independent": True,
                "blindRating": "false",
                "revisedAfterReveal": False,
                "creator": person,
                "created": iso(first.created_at),
                "modified": iso(first.updated_at),
            },
            {
                "id": f"{ORIGIN}/api/v1/verdicts/{first.pk}/#rationale",
                "type": "TextualBody",
                "purpose": "commenting",
                "value": "Statistics Korea puts it at 3.6 %.",
                "format": "text/plain",
                "creator": person,
                "created": iso(first.created_at),
                "modified": iso(first.updated_at),
            },
            {
                "id": f"{ORIGIN}/api/v1/evidence/{evidence.pk}/",
                "type": "SpecificResource",
                "purpose": "linking",
                "source": "https://kostat.go.kr/cpi-2024",
                "selector": {"type": "TextQuoteSelector", "exact": "물가 3.6% 상승 😮"},
                "stance": "refutes",
                "creator": person,
                "created": iso(evidence.created_at),
            },
            {
                "id": f"{ORIGIN}/api/v1/verdicts/{second.pk}/",
                "type": "TextualBody",
                "purpose": "assessing",
                "value": "False",
                "format": "text/plain",
                "rating": "false",
                "confidence": "low",
                "independent": True,
                "blindRating": "false",
                "revisedAfterReveal": False,
                "creator": other,
                "created": iso(second.created_at),
                "modified": iso(second.updated_at),
            },
        ],
        "target": {
            "type": "SpecificResource",
            "source": "https://example.org/news/seoul-prices",
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "🇰🇷 rose 12% 👍🏽 in 2024, said q\u0307uinn",
                    "prefix": text[max(0, start - 32) : start],
                    "suffix": text[end : end + 32],
                },
                {"type": "TextPositionSelector", "start": start, "end": end},
            ],
            "state": {
                "type": "TimeState",
                "sourceDate": iso(revision.created_at),
                "cached": f"{ORIGIN}/api/v1/w3c/articles/{article.pk}/revisions/1/",
                "revision": 1,
            },
        },
        "status": "agreed",
    }
    assert annotation["target"]["selector"][1]["end"] - annotation["target"]["selector"][1]["start"] == len(
        annotation["target"]["selector"][0]["exact"]
    )


def test_positions_select_the_exact_text_of_the_cached_revision_for_every_span(api_client):
    """Spans starting and ending next to emoji, ZWJ sequences and combining marks: text[start:end]
    of the revision the state names is the quote, in code points."""
    desk = make_desk()
    article = make_article(desk, text=MARKED_TEXT)
    quotes = [
        "🇰🇷",
        "👍🏽",
        "q\u0307uinn x\u0331\u0303avier",
        "👨‍👩‍👧 family",
        "x\u0331\u0303",
        "rice; the mayor",
    ]
    for quote in quotes:
        make_annotation(desk, article=article, quote=quote)
    api_client.force_authenticate(desk.reviewers[0])

    page = w3c(api_client, article_url(article) + "?page=1")

    assert {item["target"]["selector"][0]["exact"] for item in page["items"]} == set(quotes)
    for item in page["items"]:
        quote, position = item["target"]["selector"]
        cached = w3c(api_client, item["target"]["state"]["cached"].removeprefix(ORIGIN))
        assert cached["text"][position["start"] : position["end"]] == quote["exact"]
        assert cached["text"][: position["start"]].endswith(quote["prefix"])
        assert cached["text"][position["end"] :].startswith(quote["suffix"])
        assert item["target"]["source"] == f"{ORIGIN}/api/v1/articles/{article.pk}/"  # no url of its own
    starts = [item["target"]["selector"][1]["start"] for item in page["items"]]
    assert starts == sorted(starts), "reading order"


def test_a_person_is_named_by_full_name_and_nickname_on_the_demo_desk(api_client):
    """On the demo desk every live claim of an article is in its collection, in reading order,
    with its author's name and username, and its quote at its positions."""
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    User = get_user_model()
    editor = User.objects.get(username="editor")
    api_client.force_authenticate(editor)
    for article in Article.objects.filter(project__name="Demo desk"):
        live = article.annotations.filter(orphaned=False, merged_into__isnull=True)
        collection = w3c(api_client, article_url(article))
        assert collection["total"] == live.count()
        page = w3c(api_client, collection["first"].removeprefix(ORIGIN))
        assert [item["id"] for item in page["items"]] == [
            f"{ORIGIN}/api/v1/w3c/annotations/{claim.pk}/" for claim in live.order_by("start", "-end", "id")
        ]
        text = article.current_revision.text
        for item in page["items"]:
            quote, position = item["target"]["selector"]
            assert text[position["start"] : position["end"]] == quote["exact"]
            assert item["target"]["source"] == article.url
            author = User.objects.get(username=item["creator"]["nickname"])
            assert item["creator"] == {
                "type": "Person",
                "nickname": author.username,
                "name": author.get_full_name(),
            }
        assert expand(page), "the page expands as JSON-LD"
    annotator = w3c(
        api_client, annotation_url(Annotation.objects.filter(author__username="annotator").first())
    )
    assert annotator["creator"]["name"] == "Anouk Annotator"


# Paging


def seven_claims():
    desk = make_desk()
    text = " ".join(f"Claim number {n} is here." for n in range(1, 8))
    article = make_article(desk, text=text)
    claims = [make_annotation(desk, article=article, quote=f"Claim number {n}") for n in range(1, 8)]
    return desk, article, claims


def test_seven_claims_in_pages_of_three_give_three_pages_linked_first_next_prev_last(api_client):
    """The collection names its total and its first and last pages; each page its place
    (startIndex), its items in reading order and its neighbours."""
    desk, article, claims = seven_claims()
    api_client.force_authenticate(desk.annotator)
    base = f"{ORIGIN}/api/v1/w3c/articles/{article.pk}/"

    collection = w3c(api_client, article_url(article) + "?page_size=3")

    assert collection == {
        "@context": ANNO,
        "id": base,
        "type": "AnnotationCollection",
        "label": f"Claims marked in “{article.title}”",
        "total": 7,
        "first": f"{base}?page=1&page_size=3",
        "last": f"{base}?page=3&page_size=3",
    }
    pages, url = [], collection["first"]
    while url:
        page = w3c(api_client, url.removeprefix(ORIGIN))
        pages.append(page)
        url = page.get("next")
    assert [page["id"] for page in pages] == [f"{base}?page={n}&page_size=3" for n in (1, 2, 3)]
    assert pages[-1]["id"] == collection["last"]
    assert [page["startIndex"] for page in pages] == [0, 3, 6]
    assert [page.get("prev") for page in pages] == [None, pages[0]["id"], pages[1]["id"]]
    assert [page.get("next") for page in pages] == [pages[1]["id"], pages[2]["id"], None]
    for page in pages:
        assert page["@context"] == ANNO
        assert page["type"] == "AnnotationPage"
        assert page["partOf"] == {"id": base, "label": collection["label"], "total": 7}
        assert all("@context" not in item for item in page["items"])
    items = [item for page in pages for item in page["items"]]
    assert [item["id"] for item in items] == [f"{ORIGIN}/api/v1/w3c/annotations/{c.pk}/" for c in claims]


def test_the_default_page_holds_a_hundred_and_page_iris_carry_no_page_size(api_client):
    """Without page_size a page holds up to 100 annotations and its IRIs name only the page."""
    desk, article, _claims = seven_claims()
    api_client.force_authenticate(desk.annotator)
    base = f"{ORIGIN}/api/v1/w3c/articles/{article.pk}/"

    collection = w3c(api_client, article_url(article))
    page = w3c(api_client, article_url(article) + "?page=1")

    assert (collection["first"], collection["last"]) == (f"{base}?page=1", f"{base}?page=1")
    assert page["id"] == f"{base}?page=1"
    assert len(page["items"]) == 7
    assert "next" not in page and "prev" not in page


@pytest.mark.parametrize(
    "query", ["?page=4&page_size=3", "?page=0", "?page=two", "?page=99999999999999999999"]
)
def test_a_page_past_the_end_or_not_a_page_number_is_a_json_404(api_client, query):
    """No such page: 404 in JSON, whatever Accept asks for."""
    desk, article, _claims = seven_claims()
    api_client.force_authenticate(desk.annotator)
    response = api_client.get(article_url(article) + query, headers={"accept": ANNO_MEDIA_TYPE})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


@pytest.mark.parametrize("size", ["0", "501", "ten", "-3"])
def test_a_bad_page_size_is_a_400_naming_it(api_client, size):
    """page_size goes from 1 to 500, for the collection and its pages alike."""
    desk, article, _claims = seven_claims()
    api_client.force_authenticate(desk.annotator)
    for query in (f"?page_size={size}", f"?page=1&page_size={size}"):
        response = api_client.get(article_url(article) + query)
        assert response.status_code == 400
        assert response["Content-Type"] == "application/json"
        assert "page_size" in response.json()


def test_an_empty_collection_has_no_pages(api_client):
    """An article without claims: total 0, no first or last, and page 1 is 404."""
    desk = make_desk()
    article = make_article(desk)
    api_client.force_authenticate(desk.annotator)
    collection = w3c(api_client, article_url(article))
    assert collection["total"] == 0
    assert "first" not in collection and "last" not in collection
    assert api_client.get(article_url(article) + "?page=1").status_code == 404


def test_the_collection_leaves_out_orphaned_and_merged_claims_which_are_served_marked(api_client):
    """Only live claims of the current revision are in the collection; an orphaned claim (on its
    old revision) and one merged into another are served on their own, marked so."""
    desk = make_desk()
    article = make_article(desk, text="The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes.")
    kept = make_annotation(desk, article=article, quote="The river rose 3.2 metres")
    merged = make_annotation(
        desk, article=article, quote="river rose 3.2 metres overnight", author=desk.editor
    )
    lost = make_annotation(desk, article=article, quote="1,200 homes")
    disagreement = Disagreement.objects.get(kind="span", annotation=kept)
    merge_annotations(editor=desk.editor, disagreement_id=disagreement.pk, keep_id=kept.pk)
    add_revision(actor=desk.annotator, article_id=article.pk, text="The river rose 3.2 metres overnight.")
    api_client.force_authenticate(desk.annotator)

    collection = w3c(api_client, article_url(article))
    page = w3c(api_client, collection["first"].removeprefix(ORIGIN))
    orphan = w3c(api_client, annotation_url(lost))
    gone = w3c(api_client, annotation_url(merged))

    assert collection["total"] == 1
    assert [item["id"] for item in page["items"]] == [f"{ORIGIN}{annotation_url(kept)}"]
    assert page["items"][0]["target"]["state"]["revision"] == 2
    assert orphan["orphaned"] is True
    assert orphan["target"]["state"]["revision"] == 1
    assert orphan["target"]["state"]["cached"] == f"{ORIGIN}/api/v1/w3c/articles/{article.pk}/revisions/1/"
    assert gone["mergedInto"] == f"{ORIGIN}{annotation_url(kept)}"
    assert "orphaned" not in page["items"][0] and "mergedInto" not in page["items"][0]


def test_a_page_takes_the_same_few_queries_for_three_claims_or_fifteen(
    api_client, django_assert_max_num_queries
):
    """Annotations, tags, verdicts, evidence and sources each in one query, whatever the page holds."""

    def desk_with(n):
        desk = make_desk()
        text = " ".join(f"Claim number {i} is here." for i in range(1, n + 1))
        article = make_article(desk, text=text)
        for i in range(1, n + 1):
            claim = make_annotation(desk, article=article, quote=f"Claim number {i}", tags=["t"])
            make_verdict(
                desk,
                annotation=claim,
                rationale="Why.",
                evidence=[{"url": f"https://e.org/{i}", "stance": "supports", "quote": "q"}],
            )
        return desk, article

    counts = []
    for n in (3, 15):
        desk, article = desk_with(n)
        api_client.force_authenticate(desk.editor)
        with CaptureQueriesContext(connection) as queries:
            page = w3c(api_client, article_url(article) + "?page=1")
        assert len(page["items"]) == n
        assert purposes(page["items"][0]) == ["tagging", "assessing", "commenting", "linking"]
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(8):
        w3c(api_client, article_url(article) + "?page=1")
    with django_assert_max_num_queries(3):
        w3c(api_client, article_url(article))
    single = annotation_url(Annotation.objects.filter(article=article).first())
    with django_assert_max_num_queries(5):
        w3c(api_client, single)


# Content negotiation


def test_json_ld_is_the_default_and_plain_json_is_served_when_asked(api_client, flagged_claim):
    """The annotation profile's media type when the client names it, JSON-LD or nothing in
    particular; application/json when it asks for that (q-values count); the same document
    either way; Vary: Accept."""
    desk, article, claim, _first, _second = flagged_claim
    api_client.force_authenticate(desk.reviewers[0])
    cases = {
        None: ANNO_MEDIA_TYPE,
        "*/*": ANNO_MEDIA_TYPE,
        "application/ld+json": ANNO_MEDIA_TYPE,
        ANNO_MEDIA_TYPE: ANNO_MEDIA_TYPE,
        'application/ld+json;profile="http://www.w3.org/ns/anno.jsonld http://www.w3.org/ns/ldp.jsonld"': (
            ANNO_MEDIA_TYPE
        ),
        "application/json": "application/json",
        "application/json, application/ld+json;q=0.5": "application/json",
        "application/ld+json;q=0.9, application/json;q=0.8": ANNO_MEDIA_TYPE,
        "text/html, application/json;q=0.1": "application/json",
        "application/*": ANNO_MEDIA_TYPE,
    }
    for url in (annotation_url(claim), article_url(article), article_url(article) + "?page=1"):
        documents = []
        for accept, media_type in cases.items():
            headers = {} if accept is None else {"accept": accept}
            response = api_client.get(url, headers=headers)
            assert response.status_code == 200, (url, accept)
            assert response["Content-Type"] == media_type, (url, accept)
            assert "Accept" in [v.strip() for v in response["Vary"].split(",")]
            documents.append(json.loads(response.content))
        assert all(document == documents[0] for document in documents), url


@pytest.mark.parametrize(
    "accept",
    ["text/html", "application/xml", 'application/ld+json; profile="http://www.w3.org/ns/activitystreams"'],
)
def test_an_unacceptable_accept_header_is_a_json_406(api_client, flagged_claim, accept):
    """A client asking only for what neither renderer gives gets 406, in JSON."""
    desk, _article, claim, _first, _second = flagged_claim
    api_client.force_authenticate(desk.editor)
    response = api_client.get(annotation_url(claim), headers={"accept": accept})
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_errors_stay_json_whatever_accept_asks_for(api_client, flagged_claim):
    """401 and 404 answer application/json to a client that asked for JSON-LD."""
    _desk, _article, claim, _first, _second = flagged_claim
    anonymous = api_client.get(annotation_url(claim), headers={"accept": ANNO_MEDIA_TYPE})
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/json"
    api_client.force_authenticate(make_user())
    outsider = api_client.get(annotation_url(claim), headers={"accept": "application/ld+json"})
    assert outsider.status_code == 404
    assert outsider["Content-Type"] == "application/json"
    assert outsider.json() == {"detail": "No such annotation."}


# Blind review and roles


@pytest.fixture
def disputed_claim():
    """Two reviewers disagree (true, false) on a claim a third reviewer has not judged."""
    desk = make_desk(reviewers=3)
    article = make_article(desk)
    claim = make_annotation(desk, article=article, quote="The river rose 3.2 metres", claim="It rose 3.2 m.")
    make_verdict(
        desk,
        annotation=claim,
        reviewer=desk.reviewers[0],
        rating="true",
        rationale="Gauge.",
        evidence=[{"url": "https://gauge.example.org/", "stance": "supports"}],
    )
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false", rationale="No.")
    return desk, article, claim


def verdict_creators(annotation) -> set[str]:
    return {
        body["creator"]["nickname"]
        for body in annotation["body"]
        if body["purpose"] in ("assessing", "commenting", "linking")
    }


def test_a_reviewer_who_has_not_judged_sees_no_verdict_bodies_and_no_dispute(api_client, disputed_claim):
    """Blind review: the third reviewer and the annotator get the claim and its words only, with
    the dispute read as needs_review; in the collection's pages alike."""
    desk, article, claim = disputed_claim
    for user in (desk.reviewers[2], desk.annotator):
        api_client.force_authenticate(user)
        single = w3c(api_client, annotation_url(claim))
        (item,) = w3c(api_client, article_url(article) + "?page=1")["items"]
        for annotation in (single, item):
            assert purposes(annotation) == ["describing"]
            assert annotation["status"] == "needs_review"
        assert "gauge.example.org" not in json.dumps(single)


def test_a_reviewer_who_judged_and_an_editor_see_every_verdict(api_client, disputed_claim):
    """Once a reviewer has given their verdict, the others' show; editors see all of them."""
    desk, article, claim = disputed_claim
    names = {desk.reviewers[0].username, desk.reviewers[1].username}
    for user in (desk.reviewers[0], desk.reviewers[1], desk.editor, desk.admin):
        api_client.force_authenticate(user)
        single = w3c(api_client, annotation_url(claim))
        (item,) = w3c(api_client, article_url(article) + "?page=1")["items"]
        for annotation in (single, item):
            assert verdict_creators(annotation) == names
            assert annotation["status"] == "disputed"
            assert purposes(annotation) == [
                "describing",
                "assessing",
                "commenting",
                "linking",
                "assessing",
                "commenting",
            ]


def test_an_editor_reviewing_blind_sees_no_verdicts_before_judging(api_client, disputed_claim):
    """An editor who chose to review blind reads the claim as a reviewer who has not judged."""
    desk, _article, claim = disputed_claim
    desk.project.memberships.filter(user=desk.editor).update(review_blind=True)
    api_client.force_authenticate(desk.editor)
    assert purposes(w3c(api_client, annotation_url(claim))) == ["describing"]


def test_the_final_rating_of_a_published_claim_shows_to_every_member(api_client, flagged_claim):
    """Agreed: every member sees the desk's final rating, even one who judged nothing."""
    desk, _article, claim, _first, _second = flagged_claim
    api_client.force_authenticate(desk.annotator)
    annotation = w3c(api_client, annotation_url(claim))
    assert purposes(annotation) == ["describing", "tagging", "tagging", "assessing"]
    assert annotation["body"][-1]["creator"]["type"] == "Organization"
    assert annotation["body"][-1]["rating"] == "false"


@pytest.mark.parametrize("role", ["annotator", "reviewer", "editor", "admin"])
def test_every_member_reads_the_w3c_endpoints(api_client, disputed_claim, role):
    desk, article, claim = disputed_claim
    user = {"annotator": desk.annotator, "reviewer": desk.reviewers[2], "editor": desk.editor}.get(
        role, desk.admin
    )
    api_client.force_authenticate(user)
    for url in (annotation_url(claim), article_url(article), article_url(article) + "?page=1"):
        assert api_client.get(url).status_code == 200
    assert api_client.get(f"/api/v1/w3c/articles/{article.pk}/revisions/1/").status_code == 200


def test_outsiders_get_404_and_anonymous_callers_401(api_client, disputed_claim):
    """Other desks' claims, articles and revisions, and unknown ids, answer 404; no login, 401."""
    desk, article, claim = disputed_claim
    urls = [
        annotation_url(claim),
        article_url(article),
        article_url(article) + "?page=1",
        f"/api/v1/w3c/articles/{article.pk}/revisions/1/",
    ]
    for url in urls:
        response = api_client.get(url)
        assert response.status_code == 401
        assert response["Content-Type"] == "application/json"
    api_client.force_authenticate(make_desk().admin)
    for url in [*urls, "/api/v1/w3c/annotations/99999999999999999999/"]:
        response = api_client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"
    api_client.force_authenticate(desk.annotator)
    assert api_client.get(f"/api/v1/w3c/articles/{article.pk}/revisions/2/").status_code == 404
    assert (
        api_client.get(f"/api/v1/w3c/articles/{article.pk}/revisions/99999999999999999999/").status_code
        == 404
    )


# JSON-LD


def test_the_bundled_context_is_the_w3c_anno_context():
    """The fixture is the W3C context as served at its IRI: its terms map to the oa, as, dcterms
    and foaf IRIs, including ``assessing``, added to the served context after the Recommendation
    (w3c/web-annotation#444)."""
    context = json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    assert len(context) == 114
    assert context["oa"] == OA
    assert context["assessing"] == "oa:assessing"
    assert context["selector"] == {"@type": "@id", "@id": "oa:hasSelector"}
    assert context["total"] == {"@id": "as:totalItems", "@type": "xsd:nonNegativeInteger"}
    assert context["nickname"] == "foaf:nick"


def test_the_loader_refuses_every_other_url():
    """Expansion never reaches the network: a context at any other IRI fails to load."""
    with pytest.raises(jsonld.JsonLdError):
        expand({"@context": "https://example.org/other.jsonld", "@id": "https://example.org/x"})


def test_an_annotation_expands_to_the_w3c_iris(api_client, flagged_claim):
    """pyld expands the annotation with the W3C context into oa:, dcterms: and foaf: IRIs: selectors,
    positions as xsd:nonNegativeInteger, purposes as oa motivations, the state and its cached copy."""
    desk, _article, claim, first, _second = flagged_claim
    api_client.force_authenticate(desk.editor)
    document = w3c(api_client, annotation_url(claim))

    (node,) = expand(document)

    assert node["@id"] == document["id"]
    assert node["@type"] == [f"{OA}Annotation"]
    assert the(node, f"{DCTERMS}created") == {"@type": f"{XSD}dateTime", "@value": document["created"]}
    creator = the(node, f"{DCTERMS}creator")
    assert creator["@type"] == [f"{FOAF}Person"]
    assert the(creator, f"{FOAF}nick") == {"@value": desk.annotator.username}
    target = the(node, f"{OA}hasTarget")
    assert target["@type"] == [f"{OA}SpecificResource"]
    assert the(target, f"{OA}hasSource") == {"@id": "https://example.org/news/seoul-prices"}
    quote, position = values(target, f"{OA}hasSelector")
    assert quote["@type"] == [f"{OA}TextQuoteSelector"]
    assert the(quote, f"{OA}exact") == {"@value": "🇰🇷 rose 12% 👍🏽 in 2024, said q\u0307uinn"}
    assert f"{OA}prefix" in quote and f"{OA}suffix" in quote
    assert position["@type"] == [f"{OA}TextPositionSelector"]
    integer = f"{XSD}nonNegativeInteger"
    assert the(position, f"{OA}start") == {"@type": integer, "@value": claim.start}
    assert the(position, f"{OA}end") == {"@type": integer, "@value": claim.end}
    state = the(target, f"{OA}hasState")
    assert state["@type"] == [f"{OA}TimeState"]
    assert the(state, f"{OA}cachedSource") == {"@id": document["target"]["state"]["cached"]}
    assert f"{OA}sourceDate" in state
    bodies = values(node, f"{OA}hasBody")
    assert [the(body, f"{OA}hasPurpose")["@id"] for body in bodies] == [
        f"{OA}{purpose}" for purpose in purposes(document)
    ]
    verdict = next(body for body in bodies if body.get("@id") == f"{ORIGIN}/api/v1/verdicts/{first.pk}/")
    assert verdict["@type"] == [f"{OA}TextualBody"]
    assert the(verdict, RDF_VALUE) == {"@value": "False"}
    assert the(the(verdict, f"{DCTERMS}creator"), f"{FOAF}nick") == {"@value": desk.reviewers[0].username}
    evidence = next(body for body in bodies if the(body, f"{OA}hasPurpose")["@id"] == f"{OA}linking")
    assert evidence["@type"] == [f"{OA}SpecificResource"]
    assert the(evidence, f"{OA}hasSource") == {"@id": "https://kostat.go.kr/cpi-2024"}
    assert the(the(evidence, f"{OA}hasSelector"), f"{OA}exact") == {"@value": "물가 3.6% 상승 😮"}
    desk_body = next(body for body in bodies if body.get("@id", "").endswith("#final-rating"))
    assert the(desk_body, f"{DCTERMS}creator")["@type"] == ["http://xmlns.com/foaf/0.1/Organization"]
    assert "rating" not in json.dumps(verdict), "this API's own keys are outside the context"


def test_a_collection_and_its_pages_expand_to_activity_streams_iris(api_client):
    """The collection is an as:OrderedCollection with as:totalItems, as:first and as:last; a page an
    as:OrderedCollectionPage with as:partOf, as:startIndex, as:next, as:prev and an ordered
    as:items list of oa:Annotations."""
    desk, article, claims = seven_claims()
    api_client.force_authenticate(desk.annotator)
    collection = w3c(api_client, article_url(article) + "?page_size=3")
    middle = w3c(api_client, article_url(article) + "?page=2&page_size=3")

    (node,) = expand(collection)
    (page,) = expand(middle)

    integer = f"{XSD}nonNegativeInteger"
    assert node["@type"] == [f"{AS}OrderedCollection"]
    assert the(node, f"{AS}totalItems") == {"@type": integer, "@value": 7}
    assert the(node, f"{AS}first") == {"@id": collection["first"]}
    assert the(node, f"{AS}last") == {"@id": collection["last"]}
    assert the(node, "http://www.w3.org/2000/01/rdf-schema#label") == {"@value": collection["label"]}
    assert page["@type"] == [f"{AS}OrderedCollectionPage"]
    assert the(the(page, f"{AS}partOf"), f"{AS}totalItems") == {"@type": integer, "@value": 7}
    assert the(page, f"{AS}startIndex") == {"@type": integer, "@value": 3}
    assert the(page, f"{AS}next") == {"@id": middle["next"]}
    assert the(page, f"{AS}prev") == {"@id": middle["prev"]}
    (items,) = values(page, f"{AS}items")
    assert [item["@id"] for item in items["@list"]] == [
        f"{ORIGIN}/api/v1/w3c/annotations/{claim.pk}/" for claim in claims[3:6]
    ]
    assert all(item["@type"] == [f"{OA}Annotation"] for item in items["@list"])


# The OpenAPI schema


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    return yaml.safe_load(response.content)


def test_the_schema_documents_both_media_types_and_every_status(schema):
    """200 in the annotation profile's JSON-LD and in JSON; the errors in JSON (503, a database
    outage, is documented on every operation)."""
    expected = {
        "/api/v1/w3c/annotations/{id}/": {"200", "401", "404", "406", "503"},
        "/api/v1/w3c/articles/{id}/": {"200", "400", "401", "404", "406", "503"},
    }
    for path, codes in expected.items():
        operation = schema["paths"][path]["get"]
        assert set(operation["responses"]) == codes, path
        assert set(operation["responses"]["200"]["content"]) == {ANNO_MEDIA_TYPE, "application/json"}
        for code in codes - {"200"}:
            assert set(operation["responses"][code]["content"]) == {"application/json"}, (path, code)
    names = {
        parameter["name"] for parameter in schema["paths"]["/api/v1/w3c/articles/{id}/"]["get"]["parameters"]
    }
    assert names >= {"id", "page", "page_size"}
    revision = schema["paths"]["/api/v1/w3c/articles/{id}/revisions/{number}/"]["get"]
    assert set(revision["responses"]) == {"200", "401", "404", "406", "503"}


def test_real_answers_fit_the_documented_schemas(api_client, schema, flagged_claim):
    """The annotation, the collection, a page and the revision validate against their schemas."""
    desk, article, claim, _first, _second = flagged_claim
    api_client.force_authenticate(desk.editor)
    cases = [
        ("/api/v1/w3c/annotations/{id}/", annotation_url(claim)),
        ("/api/v1/w3c/articles/{id}/", article_url(article)),
        ("/api/v1/w3c/articles/{id}/", article_url(article) + "?page=1"),
    ]
    for path, url in cases:
        for media_type in (ANNO_MEDIA_TYPE, "application/json"):
            shape = schema["paths"][path]["get"]["responses"]["200"]["content"][media_type]["schema"]
            document = w3c(api_client, url, accept=media_type)
            jsonschema.validate(
                document, {**shape, "components": schema["components"]}, cls=jsonschema.Draft7Validator
            )
    revision = schema["paths"]["/api/v1/w3c/articles/{id}/revisions/{number}/"]["get"]["responses"]["200"]
    shape = revision["content"]["application/json"]["schema"]
    jsonschema.validate(
        w3c(api_client, f"/api/v1/w3c/articles/{article.pk}/revisions/1/"),
        {**shape, "components": schema["components"]},
        cls=jsonschema.Draft7Validator,
    )
