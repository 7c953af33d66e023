"""The demo desk: a newcomer's first screen is real work on a real-world-shaped article."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from annotations.demo import escalation
from annotations.models import Annotation, Article, Disagreement, DisagreementStatus, Project, Status
from tests.annotations.test_pages import client_for

pytestmark = pytest.mark.django_db


def load() -> tuple[Project, dict]:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "Loaded the Demo desk." in out.getvalue()
    return Project.objects.get(name="Demo desk"), {u.username: u for u in get_user_model().objects.all()}


def lead_article() -> Article:
    return Article.objects.get(url=escalation.ARTICLE["url"])


def test_the_lead_article_is_the_pasted_piece_with_its_paragraphs():
    """The seed piece keeps its words; its lines become paragraphs split by blank lines, the
    scraped "Comments" at its end left out."""
    load()
    text = lead_article().current_revision.text
    assert text.startswith("In a significant escalation of hostilities, North Korea")
    assert text.endswith("increasingly unstable global landscape.")
    assert "\n\nDestruction of Border Crossings\n\n" in text
    assert text.count("\n\n") == 18 and "\n\n\n" not in text


def test_its_main_claims_are_highlighted_with_exact_quotes_and_judged_by_both_reviewers():
    """Nine claims, each quote at its offsets; every claim has a verdict of both demo reviewers;
    one verdict disagreement is open and one resolved by the editor's adjudication."""
    _project, users = load()
    article = lead_article()
    text = article.current_revision.text
    claims = list(Annotation.objects.filter(article=article).order_by("start"))
    assert len(claims) == len(escalation.CLAIMS) == 9
    for claim in claims:
        assert text[claim.start : claim.end] == claim.quote
        assert claim.author == users["annotator"]
        assert {v.reviewer.username for v in claim.verdicts.all()} == {"reviewer1", "reviewer2"}
    statuses = [claim.status for claim in claims]
    assert statuses.count(Status.DISPUTED) == 1
    assert statuses.count(Status.RESOLVED) == 1
    assert statuses.count(Status.AGREED) == 7
    disagreements = Disagreement.objects.filter(annotation__article=article)
    assert sorted(disagreements.values_list("status", flat=True)) == [
        DisagreementStatus.OPEN,
        DisagreementStatus.RESOLVED,
    ]
    resolved = Annotation.objects.get(article=article, status=Status.RESOLVED)
    assert (resolved.quote, resolved.final_rating) == (
        "primarily in operating advanced missile systems",
        "misleading",
    )
    assert resolved.adjudications.get().editor == users["editor"]


def test_a_newcomer_sees_the_lead_article_first():
    """It heads the article list and the project's recent activity."""
    project, users = load()
    client = client_for(users["reviewer1"])
    listing = client.get(f"/projects/{project.id}/articles/").content.decode()
    titles = re.findall(r'<a href="/articles/\d+/"[^>]*>([^<]+)</a>', listing)
    assert titles[0] == escalation.ARTICLE["title"]
    assert Article.objects.filter(project=project).order_by("-created_at", "-id").first() == lead_article()
    reader = client.get(f"/articles/{lead_article().id}/").content.decode()
    assert reader.count("data-claim-item=") == 9
    # reviewer1 has judged the artillery claim, so its dispute is revealed to them.
    assert "[claim 4 start, disputed]" in reader


def test_loading_twice_changes_nothing():
    load()
    before = Annotation.objects.count()
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Annotation.objects.count() == before
