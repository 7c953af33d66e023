"""The agreement dashboard shows each figure's 95 % interval, its pairable values and the rule on
which verdicts count."""

import html as html_lib

import pytest

from annotations.selectors.articles import CHOOSER_ARTICLES
from annotations.templatetags.review_pages import coefficient, percent
from tests.annotations.test_api_agreement import make_spread_desk
from tests.annotations.test_pages import client_for
from tests.factories import make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db

INDEPENDENCE_RULE = (
    "Verdicts given with other verdicts in view (an editor's on a claim that already had a verdict) are "
    "not independent and are left out of these figures; editors who switch on blind review count."
)


def dashboard(user, project):
    response = client_for(user).get(f"/projects/{project.id}/agreement/")
    assert response.status_code == 200
    # Whitespace collapsed, as a browser shows it.
    return response, " ".join(html_lib.unescape(response.content.decode()).split())


def test_each_figure_shows_its_95_percent_interval_and_pairable_values():
    """Every figure card and every pair's kappa and percent agreement show "95 % CI low to high" as
    the report holds it, with the pairable values behind the figure."""
    desk = make_spread_desk()
    response, page = dashboard(desk.editor, desk.project)
    summary = response.context["summary"]

    figures = [summary.percent_agreement, summary.fleiss_kappa, *summary.krippendorff_alpha.values()]
    for figure, as_percent in zip(figures, (True, False, False, False, False), strict=True):
        show = percent if as_percent else coefficient
        assert f"95 % CI {show(figure.interval.low)} to {show(figure.interval.high)}" in page
    assert "over 24 claims and 48 verdicts · 48 pairable values" in page
    assert "over 21 claims and 42 verdicts · 42 pairable values" in page  # ordinal and interval
    [pair] = summary.pairs
    kappa, agreement = pair.cohen_kappa.interval, pair.percent_agreement.interval
    assert f"95 % CI {coefficient(kappa.low)} to {coefficient(kappa.high)} · 48 pairable values" in page
    assert f"95 % CI {percent(agreement.low)} to {percent(agreement.high)} · 48 pairable values" in page


def test_the_page_states_which_verdicts_count_and_how_intervals_are_made():
    """The rule on independent verdicts and the bootstrap are explained beside the figures."""
    desk = make_desk()
    _, page = dashboard(desk.editor, desk.project)
    assert INDEPENDENCE_RULE in page
    assert "seeded, so the same verdicts always give the same interval" in page


def test_an_interval_that_cannot_be_computed_says_why():
    """On two claims with one split, kappa stands but its interval is refused with the reason;
    a figure without a value shows no interval line at all."""
    desk = make_desk()
    for quote, ratings in (("The river rose", ("true", "true")), ("The mayor said", ("true", "false"))):
        claim = make_annotation(desk, quote=quote)
        for reviewer, rating in zip(desk.reviewers, ratings, strict=True):
            make_verdict(desk, annotation=claim, reviewer=reviewer, rating=rating)
    response, page = dashboard(desk.editor, desk.project)
    summary = response.context["summary"]

    assert summary.fleiss_kappa.value is not None
    assert f"No 95 % CI: {summary.fleiss_kappa.interval.reason}" in page
    assert "too few claims with differing ratings" in page

    empty = make_desk()
    _, page = dashboard(empty.editor, empty.project)
    assert "figure-interval" not in page


def test_the_article_chooser_lists_the_newest_articles_and_the_chosen_one():
    """A desk with thousands of articles gets the newest in the "Figures for" chooser, not every
    one; an older article chosen by its link is listed too, and its figures shown. The assignment
    form's chooser is the same."""
    desk = make_desk()
    oldest, middle, *_newer = (make_article(desk, title=f"Article {n}") for n in range(CHOOSER_ARTICLES + 1))
    newest_first = [f"Article {n}" for n in range(CHOOSER_ARTICLES, 0, -1)]
    client = client_for(desk.editor)
    url = f"/projects/{desk.project.id}/agreement/"
    listed = client.get(url).context["form"]["article"]
    assert [choice.data["label"] for choice in listed.subwidgets] == ["The whole project", *newest_first]
    reader = client.get(f"/articles/{oldest.id}/").content.decode()
    assert f'href="{url}?article={oldest.id}"' in reader, "the reader links to its article's figures"
    chosen = client.get(url, {"article": oldest.id})
    assert chosen.status_code == 200 and chosen.context["article"] == oldest
    labels = [choice.data["label"] for choice in chosen.context["form"]["article"].subwidgets]
    assert labels == ["The whole project", *newest_first, "Article 0"]
    assert client.get(url, {"article": 99_999_999_999}).status_code == 400
    assign_page = client.get(f"/projects/{desk.project.id}/assignments/", {"article": oldest.id})
    assert [choice.data["label"] for choice in assign_page.context["form"]["article"].subwidgets] == [
        "Choose an article",
        *newest_first,
        "Article 0",
    ]
    response = client.post(
        f"/projects/{desk.project.id}/assignments/",
        {"article": oldest.id, "assignee": desk.reviewers[0].username},
    )
    assert response.status_code == 302
    assert middle.assignments.count() == 0 and oldest.assignments.get().assignee == desk.reviewers[0]
