"""Placing W3C Web Annotations onto an article: this API's own export round-trips, positions
first, the quote as the fallback, and whatever cannot be placed is reported."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from annotations.imports.w3c import import_w3c
from annotations.models import Annotation
from tests.factories import EMOJI_TEXT, make_annotation, make_article, make_desk, make_user

pytestmark = pytest.mark.django_db

COMBINING = (
    "Cafe\u0301 owners in 서울 said 😀 prices rose 12% in 2024.\n\nThe mayor said prices rose 12% too."
)


def exported_pages(api_client, user, article, page_size=2) -> list[dict]:
    """The article's AnnotationCollection and every page of it, as a client reads them."""
    api_client.force_authenticate(user)
    url = f"/api/v1/w3c/articles/{article.id}/"
    collection = api_client.get(url, {"page_size": page_size}).json()
    pages, number = [], 1
    while True:
        page = api_client.get(url, {"page": number, "page_size": page_size}).json()
        pages.append(page)
        if "next" not in page:
            break
        number += 1
    assert len(pages) > 1 and sum(len(page["items"]) for page in pages) == collection["total"]
    return pages


def spans(article):
    return list(
        Annotation.objects.filter(article=article)
        .order_by("start", "end")
        .values_list("start", "end", "quote")
    )


def test_an_export_of_ours_reimports_onto_a_copy_of_the_article_with_every_annotation_placed(api_client):
    """Export an article's annotations (over emoji, Hangul and a combining accent), make a new
    article with the same text, import the pages: every annotation is placed on the same code
    points, with the same quote, claim and tags, and none by quote."""
    desk = make_desk()
    article = make_article(desk, text=COMBINING)
    text = article.current_revision.text
    for quote, claim in [
        ("Café", ""),
        ("서울 said 😀", "Seoul owners said so"),
        ("😀", ""),
        ("prices rose 12%", "Prices rose by 12%"),
        ("12% in 2024.\n\nThe mayor", ""),
    ]:
        make_annotation(desk, article=article, quote=quote, claim=claim, tags=["imported"] if claim else [])
    start = text.rindex("prices rose 12%")
    make_annotation(desk, article=article, quote="prices rose 12% too", author=desk.editor)
    assert text.count("prices rose 12%") == 2 and start > 0
    pages = exported_pages(api_client, desk.editor, article)

    copy = make_article(desk, title="A copy", text=text)
    report = import_w3c(actor=desk.reviewers[0], article_id=copy.id, document=pages)
    assert report.unplaced == []
    assert report.placed_by_quote == 0
    assert report.annotations_created == 6
    assert spans(copy) == spans(article)
    claims = dict(Annotation.objects.filter(article=copy).values_list("quote", "claim"))
    assert claims["서울 said 😀"] == "Seoul owners said so"
    assert list(
        Annotation.objects.get(article=copy, quote="prices rose 12%").tags.values_list("name", flat=True)
    ) == ["imported"]
    assert set(Annotation.objects.filter(article=copy).values_list("author", flat=True)) == {
        desk.reviewers[0].id
    }


def test_a_collection_with_its_first_page_embedded_and_a_single_annotation_both_import(api_client):
    """An AnnotationCollection whose ``first`` is the page itself (and its ``next`` too), and one
    Annotation alone, are read as well as a list of pages."""
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    for quote in ("Café owners", "😀 prices rose 12%", "The mayor denied it."):
        make_annotation(desk, article=article, quote=quote)
    first, second = exported_pages(api_client, desk.editor, article)
    first["next"] = second
    collection = {"type": "AnnotationCollection", "total": 3, "first": first}
    copy = make_article(desk, text=EMOJI_TEXT)
    assert import_w3c(actor=desk.annotator, article_id=copy.id, document=collection).annotations_created == 3
    other = make_article(desk, text=EMOJI_TEXT)
    one = import_w3c(actor=desk.annotator, article_id=other.id, document=second["items"][0])
    assert one.annotations_created == 1


def annotation(exact=None, prefix="", suffix="", start=None, end=None) -> dict:
    selectors = []
    if exact is not None:
        selectors.append({"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": suffix})
    if start is not None:
        selectors.append({"type": "TextPositionSelector", "start": start, "end": end})
    return {"type": "Annotation", "target": {"source": "https://x.example/", "selector": selectors}}


def test_positions_that_are_off_fall_back_to_the_quote():
    """Hypothesis counts positions in UTF-16 units: after the emoji they are one off, so the quote
    (with its prefix and suffix telling its two occurrences apart) places the annotation."""
    desk = make_desk()
    article = make_article(desk, text=COMBINING)
    text = article.current_revision.text
    second = text.rindex("prices rose 12%")
    utf16 = second + 1  # one emoji before it
    document = [
        annotation("prices rose 12%", prefix="mayor said ", suffix=" too", start=utf16, end=utf16 + 15)
    ]
    report = import_w3c(actor=desk.annotator, article_id=article.id, document=document)
    assert report.placed_by_quote == 1 and report.unplaced == []
    assert spans(article) == [(second, second + 15, "prices rose 12%")]


def test_what_cannot_be_placed_is_reported_not_guessed():
    """A quote the text lacks, a quote standing twice with nothing to tell them apart, positions off
    with no quote to check, and a target with no selector are each reported; the rest imports."""
    desk = make_desk()
    article = make_article(desk, text=COMBINING)
    document = [
        annotation("prices fell 12%"),
        annotation("prices rose 12%"),
        annotation("prices rose 12%", prefix="nobody said "),
        annotation(start=5, end=500),
        {"type": "Annotation", "target": "https://x.example/"},
        annotation("Café", start=0, end=4),
    ]
    report = import_w3c(actor=desk.annotator, article_id=article.id, document=document)
    reasons = [item.reason for item in report.unplaced]
    assert len(reasons) == 5
    assert "not in the text" in reasons[0]
    assert "2 times" in reasons[1]
    assert "nowhere with its prefix and suffix" in reasons[2]
    assert "not a span" in reasons[3]
    assert "neither" in reasons[4]
    assert spans(article) == [(0, 4, "Café")]


def test_the_dry_run_changes_nothing_and_roles_hold():
    """A dry run reports and writes nothing; outsiders get 404; an existing span counts as existing."""
    desk = make_desk()
    article = make_article(desk, text=COMBINING)
    make_annotation(desk, article=article, quote="Café")
    document = [annotation("Café", start=0, end=4), annotation("서울")]
    report = import_w3c(actor=desk.annotator, article_id=article.id, document=document, dry_run=True)
    assert (report.annotations_created, report.annotations_existing) == (1, 1)
    assert Annotation.objects.filter(article=article).count() == 1
    with pytest.raises(Http404):
        import_w3c(actor=make_user(), article_id=article.id, document=document)


@pytest.mark.parametrize(
    "document",
    [
        "text",
        7,
        {"type": "AnnotationCollection", "first": "https://elsewhere.example/page1"},
        {"type": "AnnotationPage", "items": "none"},
        {"type": "Mystery"},
        [None],
    ],
)
def test_a_document_of_no_known_shape_is_refused_naming_the_export(document):
    desk = make_desk()
    article = make_article(desk)
    with pytest.raises(ValidationError) as raised:
        import_w3c(actor=desk.annotator, article_id=article.id, document=document)
    assert "export" in raised.value.message_dict


def test_a_page_whose_next_page_is_left_out_says_so(api_client):
    """Importing only the first page of a paged export places its annotations and reports the
    next page's address, so that nobody believes the article's whole collection came in."""
    desk = make_desk()
    article = make_article(desk, text=EMOJI_TEXT)
    for quote in ("Café owners", "😀 prices rose 12%", "The mayor denied it."):
        make_annotation(desk, article=article, quote=quote)
    first, second = exported_pages(api_client, desk.editor, article)
    copy = make_article(desk, text=EMOJI_TEXT)
    report = import_w3c(actor=desk.annotator, article_id=copy.id, document=first, dry_run=True)
    assert report.annotations_created == 2
    assert [item.where for item in report.skipped] == [first["next"]]
    both = import_w3c(actor=desk.annotator, article_id=copy.id, document=[first, second], dry_run=True)
    assert both.skipped == [] and both.annotations_created == 3
