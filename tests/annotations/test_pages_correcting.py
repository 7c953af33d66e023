"""Correcting highlights in the reader's claim panel, the question before a long selection is saved,
and the next claim awaiting my verdict across articles."""

import pytest
from django.test import Client

from annotations.models import Annotation, HistoryEntry
from annotations.pages.reader import LONG_SELECTION_LENGTH, long_selection
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

TEXT = (
    "Officials said 10,000 troops were sent to Russia in October. Eighteen soldiers deserted. "
    "The ministry denied it.\n\nAnalysts doubt the figure of 1.4 million volunteers."
)
JSON = {"Accept": "application/json"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def annotate(client, article, quote, **extra):
    start = TEXT.index(quote)
    body = {
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "revision": article.current_revision_id,
        **extra,
    }
    return client.post(f"/articles/{article.id}/annotations/", body, headers=JSON)


@pytest.mark.parametrize(
    ("quote", "asks"),
    [
        ("10,000 troops were sent to Russia in October.", False),
        ("Officials said 10,000 troops were sent to Russia in October. Eighteen soldiers deserted.", False),
        (
            "10,000 troops were sent to Russia in October. Eighteen soldiers deserted. "
            "The ministry denied it.",
            True,
        ),
        ("The ministry denied it.\n\nAnalysts doubt", True),
        ("figure of 1.4 million volunteers.", False),
        ("word " * (LONG_SELECTION_LENGTH // 5 + 1), True),
    ],
)
def test_a_selection_across_a_paragraph_or_of_more_than_two_sentences_asks_first(quote, asks):
    """Two sentences are a claim; a third sentence end, a paragraph break or more than the length
    bound make the reader ask; "1.4" is no sentence end."""
    assert bool(long_selection(quote)) is asks


def test_a_long_selection_is_saved_only_once_confirmed():
    """The first POST answers 400 with the reason and ``confirm``, creating nothing; the same
    selection with ``confirm_long`` is highlighted."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    client = client_for(desk.annotator)
    quote = "The ministry denied it.\n\nAnalysts doubt the figure"
    asked = annotate(client, article, quote)
    assert asked.status_code == 400
    assert asked.json()["confirm"] is True
    assert "crosses a paragraph break" in asked.json()["errors"][0]
    assert not Annotation.objects.exists()
    saved = annotate(client, article, quote, confirm_long="true")
    assert saved.status_code == 201
    assert Annotation.objects.get().quote == quote


def test_without_a_script_the_reader_offers_the_confirming_button():
    """The page form answers with the reason and a "Save this long highlight" submit button."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    quote = "The ministry denied it.\n\nAnalysts doubt"
    start = TEXT.index(quote)
    body = {
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "revision": article.current_revision_id,
    }
    page = client_for(desk.annotator).post(f"/articles/{article.id}/annotations/", body)
    assert page.status_code == 400
    assert 'name="confirm_long" value="true"' in page.content.decode()


def recut(client, annotation, words, version=None):
    start = TEXT.index(words)
    body = {"start": start, "end": start + len(words), "version": version or annotation.version}
    return client.post(f"/annotations/{annotation.id}/span/", body)


def test_the_author_recuts_a_claim_from_the_panel():
    """The re-cut form moves the span and goes back to the claim with a message quoting the new words."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="troops were sent")
    client = client_for(desk.annotator)
    panel = client.get(f"/articles/{article.id}/?claim={annotation.id}").content.decode()
    assert f'action="/annotations/{annotation.id}/span/"' in panel
    answer = recut(client, annotation, "10,000 troops were sent to Russia")
    assert answer.status_code == 302
    annotation.refresh_from_db()
    assert annotation.quote == "10,000 troops were sent to Russia"
    followed = client.get(answer.url).content.decode()
    assert "The highlight now reads “10,000 troops were sent to Russia”." in followed


def test_a_refused_recut_shows_the_reason_in_the_panel_and_changes_nothing():
    """A large re-cut of a judged claim answers 409 with the service's message next to the form."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    make_verdict(desk, annotation=annotation, reviewer=desk.reviewers[0])
    answer = recut(client_for(desk.editor), annotation, "Eighteen soldiers deserted.")
    assert answer.status_code == 409
    assert "Highlight the new words as a claim of their own instead." in answer.content.decode()
    annotation.refresh_from_db()
    assert annotation.quote == "10,000 troops"


def test_a_recut_with_offsets_outside_the_text_names_the_field():
    """An end past the text is a 400 on the page, with the reason."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    client = client_for(desk.annotator)
    answer = client.post(
        f"/annotations/{annotation.id}/span/", {"start": 0, "end": len(TEXT) + 5, "version": 1}
    )
    assert answer.status_code == 400
    assert "Must be at most" in answer.content.decode()


def test_the_author_deletes_an_unjudged_claim_after_ticking_the_confirmation():
    """Without the tick the page asks for it (400); with it the claim is gone and its history says so."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    client = client_for(desk.annotator)
    unticked = client.post(f"/annotations/{annotation.id}/delete/", {"version": 1})
    assert unticked.status_code == 400
    assert "Tick “Yes, delete this claim” to delete it." in unticked.content.decode()
    deleted = client.post(f"/annotations/{annotation.id}/delete/", {"version": 1, "confirm": "on"})
    assert deleted.status_code == 302
    assert deleted.url == f"/articles/{article.id}/"
    assert not Annotation.objects.filter(pk=annotation.pk).exists()
    assert HistoryEntry.objects.filter(
        object_type="annotation", object_id=annotation.id, action="delete"
    ).exists()


def test_an_author_cannot_delete_a_judged_claim_but_an_editor_can():
    """The author gets 409 with the reason; an editor deletes it, verdicts and all, recorded in history."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    make_verdict(desk, annotation=annotation, reviewer=desk.reviewers[0])
    body = {"version": 1, "confirm": "on"}
    refused = client_for(desk.annotator).post(f"/annotations/{annotation.id}/delete/", body)
    assert refused.status_code == 409
    assert "only an editor may delete it now" in refused.content.decode()
    assert client_for(desk.editor).post(f"/annotations/{annotation.id}/delete/", body).status_code == 302
    entry = HistoryEntry.objects.get(object_type="annotation", object_id=annotation.id, action="delete")
    assert (entry.actor_id, entry.before["verdicts"]) == (desk.editor.id, 1)


def test_other_members_are_not_offered_the_corrections_and_outsiders_get_404():
    """A reviewer who did not highlight the claim sees no re-cut or delete form; an outsider's POST
    is a 404."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    panel = (
        client_for(desk.reviewers[0]).get(f"/articles/{article.id}/?claim={annotation.id}").content.decode()
    )
    assert "/span/" not in panel and "/delete/" not in panel
    outsider = client_for(make_user())
    assert (
        outsider.post(f"/annotations/{annotation.id}/delete/", {"version": 1, "confirm": "on"}).status_code
        == 404
    )
    assert recut(outsider, annotation, "10,000 troops were").status_code == 404


def two_articles(desk):
    first = make_article(desk, title="First", text=TEXT)
    second = make_article(desk, title="Second", text=TEXT)
    claims = {
        "a": make_annotation(desk, article=first, quote="10,000 troops"),
        "b": make_annotation(desk, article=first, quote="Eighteen soldiers deserted."),
        "c": make_annotation(desk, article=second, quote="Officials said"),
        "d": make_annotation(desk, article=second, quote="1.4 million volunteers"),
    }
    return first, second, claims


def test_next_goes_to_the_next_claim_awaiting_my_verdict_across_articles():
    """After a claim: the next awaiting one in reading order, into the next article, round to the
    first; claims I judged are passed over."""
    desk = make_desk()
    _first, second, claims = two_articles(desk)
    reviewer = desk.reviewers[0]
    make_verdict(desk, annotation=claims["c"], reviewer=reviewer)
    client = client_for(reviewer)
    url = f"/projects/{desk.project.id}/next-claim/"

    def after(key):
        return client.get(url, {"after": claims[key].id}, headers=JSON).json()["id"]

    assert after("a") == claims["b"].id
    assert after("b") == claims["d"].id
    assert after("d") == claims["a"].id
    assert client.get(url, {"article": second.id}, headers=JSON).json()["id"] == claims["d"].id
    redirect = client.get(url, {"after": claims["b"].id})
    assert redirect.url == f"/articles/{second.id}/?claim={claims['d'].id}"


def test_next_says_so_when_nothing_else_awaits_me():
    """With no other claim awaiting: JSON with no url and a message; the page goes back to the claim."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    only = make_annotation(desk, article=article, quote="10,000 troops")
    client = client_for(desk.reviewers[0])
    url = f"/projects/{desk.project.id}/next-claim/"
    answer = client.get(url, {"after": only.id}, headers=JSON).json()
    assert answer["url"] is None
    assert answer["message"] == "No other claim in this project awaits your verdict."
    assert client.get(url, {"after": only.id}).url == f"/articles/{article.id}/?claim={only.id}"
    # An annotator gives no verdicts: nothing awaits them.
    assert client_for(desk.annotator).get(url, headers=JSON).json()["id"] is None


def test_next_refuses_claims_and_projects_the_user_cannot_see():
    """Another desk's project or claim is a 404; a claim of another project of mine is a 404 too."""
    desk = make_desk()
    other = make_desk()
    article = make_article(other, text=TEXT)
    theirs = make_annotation(other, article=article, quote="10,000 troops")
    client = client_for(desk.reviewers[0])
    assert client.get(f"/projects/{other.project.id}/next-claim/").status_code == 404
    assert client.get(f"/projects/{desk.project.id}/next-claim/", {"after": theirs.id}).status_code == 404


def test_next_runs_a_fixed_number_of_queries(django_assert_max_num_queries):
    """However many claims await, finding the next one costs the same few queries: six, and one
    more when it comes round to the project's first claim."""
    desk = make_desk()
    _first, _second, claims = two_articles(desk)
    client = client_for(desk.reviewers[0])
    url = f"/projects/{desk.project.id}/next-claim/"
    with django_assert_max_num_queries(6):
        answer = client.get(url, {"after": claims["b"].id}, headers=JSON)
    assert answer.json()["id"] == claims["c"].id
    with django_assert_max_num_queries(7):
        answer = client.get(url, {"after": claims["d"].id}, headers=JSON)
    assert answer.json()["id"] == claims["a"].id


def test_a_correction_from_a_stale_panel_changes_nothing_and_says_why():
    """A re-cut or a deletion sent with the version the panel was opened with, after someone else
    changed the claim, answers 412 with the claim as it is now."""
    desk = make_desk()
    article = make_article(desk, text=TEXT)
    annotation = make_annotation(desk, article=article, quote="10,000 troops")
    editor = client_for(desk.editor)
    assert recut(editor, annotation, "10,000 troops were").status_code == 302
    client = client_for(desk.annotator)
    stale = recut(client, annotation, "10,000 troops were sent", version=1)
    assert stale.status_code == 412
    assert "changed by someone else" in stale.content.decode()
    deleted = client.post(f"/annotations/{annotation.id}/delete/", {"version": 1, "confirm": "on"})
    assert deleted.status_code == 412
    annotation.refresh_from_db()
    assert (annotation.quote, annotation.version) == ("10,000 troops were", 2)
