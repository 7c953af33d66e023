"""Blind review: a reviewer who has not judged a claim learns nothing of its ratings, by any path."""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve

from annotations.models import (
    Adjudication,
    Annotation,
    Disagreement,
    Evidence,
    HistoryEntry,
    Rating,
    Role,
    Verdict,
)
from annotations.services.jobs import request_url_import
from annotations.services.projects import add_member, set_review_blind
from annotations.services.review import adjudicate, keep_both, reopen
from sources.models import Source
from sources.services import get_or_create_source, set_domain_reliability
from tests.factories import make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

SECRET = "https://secret-source.example.org/proof"


@pytest.fixture
def hidden():
    """A claim judged by reviewers 1 and 2 (differently, with evidence) and adjudicated; reviewer 3
    has judged nothing."""
    desk = make_desk(reviewers=3)
    claim = make_annotation(desk)
    make_verdict(
        desk,
        annotation=claim,
        reviewer=desk.reviewers[0],
        rating="misleading",
        rationale="Cherry-picked numbers",
        evidence=[{"url": SECRET, "stance": "refutes"}],
    )
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="true")
    adjudicate(
        editor=desk.editor, annotation_id=claim.id, rating="mostly_false", rationale="Secret reasoning"
    )
    return desk, claim


def paths(claim):
    verdict = Verdict.objects.filter(annotation=claim).first()
    return [
        "/api/v1/annotations/",
        f"/api/v1/annotations/{claim.id}/",
        f"/api/v1/annotations/?article={claim.article_id}",
        "/api/v1/annotations/?rating=misleading",
        "/api/v1/annotations/?rating=mostly_false",
        "/api/v1/verdicts/",
        "/api/v1/verdicts/?rating=misleading",
        f"/api/v1/verdicts/{verdict.id}/",
        "/api/v1/evidence/",
        f"/api/v1/evidence/{Evidence.objects.filter(verdict__isnull=False).first().id}/",
        "/api/v1/history/",
        f"/api/v1/history/?annotation={claim.id}",
        f"/api/v1/history/?object=verdict:{verdict.id}",
        "/api/v1/disagreements/",
        "/api/v1/disagreements/?status=resolved",
        "/api/v1/adjudications/",
        f"/api/v1/adjudications/{Adjudication.objects.get().id}/",
        "/api/v1/queues/done/",
        "/api/v1/queues/to_review/",
    ]


# The final rating (mostly_false) is the desk's published result, which every member sees; the
# verdicts, their evidence and the adjudication's reasoning behind it stay hidden.
SECRETS = ("misleading", "Cherry-picked", "Secret reasoning", '"true"', "severity", "secret-source")


def test_a_reviewer_who_has_not_judged_sees_no_rating_anywhere(api_client, hidden):
    desk, claim = hidden
    api_client.force_authenticate(desk.reviewers[2])
    for path in paths(claim):
        response = api_client.get(path)
        assert response.status_code in (200, 404), path
        body = json.dumps(response.json())
        leaked = [secret for secret in SECRETS if secret in body]
        assert not leaked, f"{path} shows {leaked}"


def test_an_annotator_sees_no_rating_either(api_client, hidden):
    desk, claim = hidden
    api_client.force_authenticate(desk.annotator)
    for path in paths(claim):
        body = json.dumps(api_client.get(path).json())
        assert not [secret for secret in SECRETS if secret in body], path


def test_the_published_final_rating_is_shown_to_every_member(api_client, hidden):
    desk, claim = hidden
    for member in (desk.reviewers[2], desk.annotator):
        api_client.force_authenticate(member)
        detail = api_client.get(f"/api/v1/annotations/{claim.id}/").json()
        assert (detail["status"], detail["final_rating"], detail["verdicts"]) == (
            "resolved",
            "mostly_false",
            [],
        )


def test_the_same_paths_show_everything_to_the_editor(api_client, hidden):
    desk, claim = hidden
    api_client.force_authenticate(desk.editor)
    seen = " ".join(json.dumps(api_client.get(path).json()) for path in paths(claim))
    assert all(
        secret.strip('"') in seen for secret in ("misleading", "mostly_false", "Cherry-picked", "Secret")
    )


def test_after_judging_the_reviewer_sees_the_others(api_client, hidden):
    desk, claim = hidden
    # The claim is resolved, so a late verdict is refused; a reviewer who judged before sees all.
    api_client.force_authenticate(desk.reviewers[1])
    detail = api_client.get(f"/api/v1/annotations/{claim.id}/").json()
    assert {v["rating"] for v in detail["verdicts"]} == {"misleading", "true"}
    assert detail["final_rating"] == "mostly_false"
    assert SECRET in json.dumps(api_client.get("/api/v1/evidence/").json())


# The sweep: every route of the API and the pages, walked by three members who know nothing of
# the desk's judgements (an annotator, a reviewer who judged nothing, an editor reviewing blind),
# and by an editor who sees everything, so that each probe can fail.

BLIND_USERS = ("annotator", "reviewer", "blind_editor")

# Every secret text of the fixture desk (rationales, evidence URLs, titles and quotes of verdicts
# and adjudications) contains this word, and nothing public does.
HUSH = "hush"
PUBLIC_URL = "https://library.example.net/handbook"
# Ratings only ever given by verdicts and a superseded adjudication; the published final ratings
# of the desk are "true" (agreed) and "false" (resolved).
SECRET_RATINGS = ("mostly_true", "mostly_false", "mixed", "misleading", "unverifiable", "not_checkable")

# What betrays a judgement in a JSON answer, besides the secret texts: a secret rating, by its
# code or its label (in a message), a dispute, a verdict disagreement, history of verdicts.
JSON_MARKERS = (
    *(f'"{rating}"' for rating in SECRET_RATINGS),
    *(str(Rating(rating).label) for rating in SECRET_RATINGS),
    '"disputed"',
    '"kind": "verdict"',
    '"object_type": "verdict"',
    '"object_type": "evidence"',
    '"object_type": "adjudication"',
    "/api/v1/verdicts/",
)
# What betrays a judgement in a page (compared in lower case), once the parts that list every
# choice whatever the data are cut out (CHROME).
PAGE_MARKERS = (
    *(f"rating-badge rating-{rating}" for rating in SECRET_RATINGS),
    'aria-label="verdict of ',
    'data-status="disputed"',
    "status-disputed",
    "u-disputed",
    "<del>disputed</del>",
    "<ins>disputed</ins>",
    "verdicts differ",
    "apart on the truth scale",
    "categorical: a rating",
    "gave a verdict",
    "changed a verdict",
    "added evidence",
    "removed evidence",
    "adjudicated",
    "claims both rated",
)
# Table headings, choice lists, the reader's colour legend and the overview's count boxes name every
# status and kind for everyone; the counts themselves are checked from the page's context.
CHROME = re.compile(
    r'<thead>.*?</thead>|<select\b.*?</select>|<ul class="legend".*?</ul>|<dl class="counts">.*?</dl>',
    re.S,
)

# Django's form token: 64 random letters and digits, which now and then spell the marker by chance.
CSRF_TOKEN = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')

A1_TEXT = (
    "Officials said 1.4 million volunteers signed up. The army moved 10,000 artillery pieces to the "
    "border. About 10,000 troops were sent abroad. Eighteen soldiers deserted last month. The ministry "
    "denied every report. Prices rose by 12 percent."
)
A2_TEXT = "The harbour flooded after the storm on Monday night."


def secret_evidence(key: str, who: str) -> dict:
    return {
        "url": f"https://{key}-{who}.hush.example.org/report",
        "title": f"hush-title-{key}-{who}",
        "stance": "refutes",
        "quote": f"hush-quote-{key}-{who}",
    }


def join_as_blind_editor(desk):
    """A new editor of the desk's project who switched on review_blind."""
    editor = make_user()
    project = desk.project.id
    add_member(actor=desk.admin, project_id=project, username=editor.username, role=Role.EDITOR)
    set_review_blind(actor=editor, project_id=project, username=editor.username, review_blind=True)
    return editor


@dataclass
class Sweep:
    """The fixture desk and everything the probes need to name."""

    desk: object
    users: dict
    articles: dict = field(default_factory=dict)
    claims: dict = field(default_factory=dict)
    verdicts: dict = field(default_factory=dict)
    disagreements: dict = field(default_factory=dict)
    adjudications: list = field(default_factory=list)
    public_source: object = None
    domain: object = None
    import_job: object = None

    @property
    def project(self):
        return self.desk.project


@pytest.fixture
def sweep():
    """Three verdicts needed. Claims on article a1: ``ag`` agreed (r1, r2, r3 say true), ``rs``
    resolved (r1 and r2 differ; adjudicated, re-opened, adjudicated again, false), ``d1`` disputed on
    the truth scale (r1, r2), ``d2`` disputed off the scale (r1, r3), ``pd`` one verdict (r2), ``n0``
    none. On a2: ``sp1`` (the annotator's) and ``sp2`` (r1's) overlap, an editor kept both, and r2
    and r3 differ on ``sp1``. Reviewer 4, the annotator and a blind editor have judged nothing."""
    desk = make_desk(reviewers=4, required_verdicts=3)
    blind_editor = join_as_blind_editor(desk)
    r = {f"r{n}": reviewer for n, reviewer in enumerate(desk.reviewers, start=1)}
    fx = Sweep(
        desk=desk,
        users={
            "annotator": desk.annotator,
            "reviewer": r["r4"],
            "blind_editor": blind_editor,
            "editor": desk.editor,
            **r,
        },
    )
    fx.public_source, _ = get_or_create_source(
        project=desk.project, url=PUBLIC_URL, title="Public style handbook", actor=desk.editor
    )
    fx.domain, _ = set_domain_reliability(
        project=desk.project, domain="library.example.net", reliability="high"
    )

    a1 = fx.articles["a1"] = make_article(desk, title="Border report", text=A1_TEXT)
    a2 = fx.articles["a2"] = make_article(desk, title="Harbour piece", text=A2_TEXT)
    quotes = {
        "ag": "1.4 million volunteers signed up",
        "rs": "10,000 artillery pieces",
        "d1": "10,000 troops were sent abroad",
        "d2": "Eighteen soldiers deserted",
        "pd": "The ministry denied every report",
        "n0": "Prices rose by 12 percent",
    }
    for key, quote in quotes.items():
        fx.claims[key] = make_annotation(desk, article=a1, quote=quote)
    fx.claims["sp1"] = make_annotation(desk, article=a2, quote="harbour flooded after the storm")
    fx.claims["sp2"] = make_annotation(desk, article=a2, quote="after the storm on Monday", author=r["r1"])
    span = Disagreement.objects.get(kind="span")
    keep_both(editor=desk.editor, disagreement_id=span.id)
    fx.disagreements["span"] = span

    def judge(key, who, rating, *extra):
        fx.verdicts[key, who] = make_verdict(
            desk,
            annotation=fx.claims[key],
            reviewer=r[who],
            rating=rating,
            rationale=f"hush-rationale-{key}-{who}",
            evidence=[secret_evidence(key, who), *extra],
        )

    judge("ag", "r1", "true", {"url": PUBLIC_URL, "stance": "supports", "quote": "hush-quote-ag-public"})
    judge("ag", "r2", "true")
    judge("ag", "r3", "true")
    judge("rs", "r1", "unverifiable")
    judge("rs", "r2", "mixed")
    judge("d1", "r1", "mostly_true")
    judge("d1", "r2", "mostly_false")
    judge("d2", "r1", "misleading")
    judge("d2", "r3", "not_checkable")
    judge("pd", "r2", "mixed")
    judge("sp1", "r2", "unverifiable")
    judge("sp1", "r3", "mostly_false")

    rs = fx.claims["rs"]
    fx.adjudications.append(
        adjudicate(
            editor=desk.editor,
            annotation_id=rs.id,
            rating="mostly_true",
            rationale="hush-adjudication-first",
            evidence=[secret_evidence("adjudication", "editor")],
        )
    )
    # The reason is the editor's word on the claim's review, kept with the superseded adjudication.
    reopen(editor=desk.editor, annotation_id=rs.id, reason="hush-reopen-reason")
    fx.adjudications.append(
        adjudicate(
            editor=desk.editor, annotation_id=rs.id, rating="false", rationale="hush-adjudication-second"
        )
    )
    for key in ("rs", "d1", "d2", "sp1"):
        fx.disagreements[key] = Disagreement.objects.filter(annotation=fx.claims[key], kind="verdict").latest(
            "id"
        )
    for key in fx.claims:
        fx.claims[key].refresh_from_db()
    assert {key: claim.status for key, claim in fx.claims.items()} == REAL_STATUS
    # An import queued by the annotator (no worker runs here): every member may follow it.
    fx.import_job = request_url_import(
        actor=desk.annotator, project_id=desk.project.id, url="https://news.example.com/border"
    )
    return fx


REAL_STATUS = {
    "ag": "agreed",
    "rs": "resolved",
    "d1": "disputed",
    "d2": "disputed",
    "pd": "needs_review",
    "n0": "needs_review",
    "sp1": "disputed",
    "sp2": "needs_review",
}
# A dispute reads needs_review to whoever has not judged the claim; the rest is published.
SHOWN_STATUS = {
    key: "needs_review" if status == "disputed" else status for key, status in REAL_STATUS.items()
}
# The claims with fewer independent verdicts than the three needed, open, and not judged by the
# reviewer, the editors or the annotator (who reviews nothing, so awaits nothing).
AWAITING = ("d1", "d2", "pd", "n0", "sp1", "sp2")


def wanted(blind, editor, **only):
    """The answer each member should get: ``blind`` for members who know nothing, ``editor`` for
    the editor who sees everything, ``only[who]`` where one member differs."""

    def answer(who):
        if who in only:
            return only[who]
        return editor if who == "editor" else blind

    return answer


REFUSED = "refused"


def answered_wrongly(response, expected) -> str | None:
    """Why the answer's status does not fit ``expected``: REFUSED wants a 403 or a 404, anything
    else a 200."""
    if expected == REFUSED:
        return None if response.status_code in (403, 404) else f"answered {response.status_code}, not 403/404"
    return None if response.status_code == 200 else f"answered {response.status_code}, not 200"


def api_ids(blind, editor, **only):
    """An API list answers exactly these ids."""
    want = wanted(blind, editor, **only)

    def check(fx, response, who):
        if (wrong := answered_wrongly(response, want(who))) or want(who) == REFUSED:
            return wrong
        got = sorted(row["id"] for row in response.json()["results"])
        expected = sorted(want(who))
        return None if got == expected else f"lists {got}; {who} should get {expected}"

    return check


def api_claims(blind, editor, **only):
    """An annotation list answers exactly these claims, each with the status shown to the member."""
    want = wanted(blind, editor, **only)

    def check(fx, response, who):
        if (wrong := answered_wrongly(response, want(who))) or want(who) == REFUSED:
            return wrong
        statuses = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
        got = sorted((row["id"], row["status"]) for row in response.json()["results"])
        expected = sorted((fx.claims[key].id, statuses[key]) for key in want(who))
        return None if got == expected else f"lists {got}; {who} should get {expected}"

    return check


def api_sorted_by_status(descending: bool):
    def check(fx, response, who):
        statuses = [row["status"] for row in response.json()["results"]]
        shown = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
        expected = sorted(shown.values(), reverse=descending)
        return None if statuses == expected else f"orders the statuses {statuses}, not {expected}"

    return check


def api_claim(key):
    """One claim's detail: the status shown to the member, the published final rating, and verdicts
    only for the editor."""

    def check(fx, response, who):
        body = response.json()
        claim = fx.claims[key]
        if who in BLIND_USERS:
            expected = (SHOWN_STATUS[key], claim.final_rating or None, 0)
        else:
            expected = (REAL_STATUS[key], claim.final_rating or None, claim.verdicts.count())
        got = (body.get("status"), body.get("final_rating"), len(body.get("verdicts", [])))
        return None if got == expected else f"shows (status, final rating, verdicts) {got}, not {expected}"

    return check


def export_claims(blind, editor):
    """A claims export (CSV or JSONL) holds exactly these claims, each with the status shown to
    the member, and for the JSONL the verdicts the member may see (none for a blind member)."""
    want = wanted(blind, editor)

    def check(fx, response, who):
        if response.status_code != 200:
            return f"answered {response.status_code}"
        if response.kind == "json":
            rows = [json.loads(line) for line in response.body.splitlines()]
            got = sorted((row["id"], row["status"], len(row["verdicts"])) for row in rows)
        else:
            rows = list(csv.DictReader(io.StringIO(response.body)))
            got = sorted((int(row["claim_id"]), row["status"], None) for row in rows)
        statuses = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
        expected = sorted(
            (
                fx.claims[key].id,
                statuses[key],
                None
                if response.kind != "json"
                else 0
                if who in BLIND_USERS
                else fx.claims[key].verdicts.count(),
            )
            for key in want(who)
        )
        return None if got == expected else f"exports {got}; {who} should get {expected}"

    return check


def export_rows(blind: int, editor: int):
    """A CSV export holds this many rows."""

    def check(fx, response, who):
        if response.status_code != 200:
            return f"answered {response.status_code}"
        got = len(list(csv.DictReader(io.StringIO(response.body))))
        expected = editor if who == "editor" else blind
        return None if got == expected else f"exports {got} rows; {who} should get {expected}"

    return check


def claim_reviews(keys):
    """The ClaimReview list holds the published claims, the same for every member."""

    def check(fx, response, who):
        if response.status_code != 200:
            return f"answered {response.status_code}"
        # The list is streamed: ask() has read it, into body.
        got = sorted(review["claimReviewed"] for review in json.loads(response.body))
        expected = sorted(fx.claims[key].quote for key in keys)
        return None if got == expected else f"reviews {got}, not {expected}"

    return check


def w3c_annotation(key):
    """A W3C annotation's state shows the status shown to the member, and no verdict of another."""

    def check(fx, response, who):
        body = response.json()
        statuses = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
        return (
            None if body["status"] == statuses[key] else f"says status {body['status']}, not {statuses[key]}"
        )

    return check


def w3c_page(keys):
    def check(fx, response, who):
        statuses = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
        got = sorted(item["status"] for item in response.json()["items"])
        expected = sorted(statuses[key] for key in keys)
        return None if got == expected else f"says statuses {got}, not {expected}"

    return check


def api_similar(keys):
    """A similar-claims lookup lists these claims, each with the status and final rating blind
    review shows the member, and nothing of any verdict."""

    def check(fx, response, who):
        if response.status_code != 200:
            return f"answered {response.status_code}"
        statuses = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
        rows = response.json()["results"]
        got = sorted((row["id"], row["status"], row["final_rating"]) for row in rows)
        expected = sorted(
            (fx.claims[key].id, statuses[key], fx.claims[key].final_rating or None) for key in keys
        )
        if got != expected:
            return f"lists {got}; {who} should get {expected}"
        if any("verdicts" in row for row in rows):
            return "lists verdicts"
        return None

    return check


def api_agreement(fx, response, who):
    body = response.json()
    got = (body["visibility"], body["n_claims"], body["n_verdicts"], body["n_reviewers"], len(body["pairs"]))
    if who in BLIND_USERS:
        expected = ("judged_claims", 0, 0, 0, 0)
        return None if got == expected else f"figures {got}; knowing nothing gives {expected}"
    return None if got[0] == "all_claims" and got[1] > 0 and got[4] > 0 else f"editor figures {got}"


def page_rows(blind, editor, **only):
    """A paginated page lists exactly these objects (claim keys where the page lists claims)."""
    want = wanted(blind, editor, **only)

    def check(fx, response, who):
        if (wrong := answered_wrongly(response, want(who))) or want(who) == REFUSED:
            return wrong
        got = sorted(item.pk for item in response.context["page"])
        expected = sorted(fx.claims[key].id if isinstance(key, str) else key for key in want(who))
        return None if got == expected else f"lists {got}; {who} should get {expected}"

    return check


def page_article_rows(fx, response, who):
    """The article list's counts by status, as shown to the member, and the claims awaiting them."""
    counted = ("n_claims", "n_needs_review", "n_disputed", "n_agreed", "n_resolved", "n_awaiting_me")
    got = {row.pk: tuple(getattr(row, name) for name in counted) for row in response.context["page"]}
    statuses = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
    expected = {}
    for article, keys in (("a1", ("ag", "rs", "d1", "d2", "pd", "n0")), ("a2", ("sp1", "sp2"))):
        shown = [statuses[key] for key in keys]
        awaiting = 0 if who == "annotator" else sum(key in AWAITING for key in keys)
        expected[fx.articles[article].pk] = (
            len(keys),
            shown.count("needs_review"),
            shown.count("disputed"),
            shown.count("agreed"),
            shown.count("resolved"),
            awaiting,
        )
    expected = {pk: counts for pk, counts in expected.items() if pk in got}
    return None if got == expected else f"counts {got}; {who} should get {expected}"


def page_counts(fx, response, who):
    """The overview's claims by status and the number awaiting the member's verdict."""
    statuses = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
    expected = {"total": len(statuses)} | {
        status: list(statuses.values()).count(status)
        for status in ("needs_review", "disputed", "agreed", "resolved")
    }
    expected_to_review = None if who == "annotator" else len(AWAITING)
    got = (dict(response.context["counts"]), response.context["to_review"])
    return (
        None
        if got == (expected, expected_to_review)
        else f"counts {got}, not {(expected, expected_to_review)}"
    )


def page_reader(article, current=None):
    """The reader lists each claim with the status shown to the member and whether it awaits them;
    the panel of ``current`` shows no other verdict to a blind member."""

    def check(fx, response, who):
        statuses = SHOWN_STATUS if who in BLIND_USERS else REAL_STATUS
        keys = [key for key, claim in fx.claims.items() if claim.article_id == fx.articles[article].pk]
        expected = sorted(
            (fx.claims[key].id, statuses[key], who != "annotator" and key in AWAITING) for key in keys
        )
        got = sorted(
            (claim.id, claim.shown_status, bool(claim.awaits_me)) for claim in response.context["claims"]
        )
        if got != expected:
            return f"lists (claim, status, awaits me) {got}, not {expected}"
        if current is not None:
            return page_panel(current)(fx, response, who)
        return None

    return check


def page_panel(key):
    def check(fx, response, who):
        if response.status_code not in (200, 400, 409):
            return f"answered {response.status_code}"
        others = response.context["other_verdicts"]
        if who in BLIND_USERS:
            return None if not others and not response.context["revealed"] else f"shows verdicts {others}"
        return None

    return check


def page_agreement(fx, response, who):
    summary = response.context["summary"]
    got = (summary.n_claims, summary.n_verdicts, len(summary.pairs))
    if who in BLIND_USERS:
        return (
            None if got == (0, 0, 0) else f"figures (claims, verdicts, pairs) {got}; knowing nothing gives 0"
        )
    return None if got[0] > 0 else f"editor figures {got}"


def page_history_kinds(fx, response, who):
    """A blind member's history shows what was done to claims and articles, nothing of verdicts."""
    if response.status_code != 200:
        return (
            None if who in BLIND_USERS and response.status_code == 404 else f"answered {response.status_code}"
        )
    kinds = {entry.object_type for entry in response.context["page"]}
    if who in BLIND_USERS and kinds - {"annotation", "article"}:
        return f"shows history of {sorted(kinds)}"
    return None


def api_history_kinds(fx, response, who):
    kinds = {row["object_type"] for row in response.json()["results"]}
    if who in BLIND_USERS and kinds - {"annotation", "article"}:
        return f"shows history of {sorted(kinds)}"
    return None


def source_claims(blind: int, editor: int):
    """The public source's count of the claims citing it: only the citations the member may see.
    Reviewer 1 cited it on the agreed claim, whose verdicts stay hidden from those who know nothing."""

    def check(fx, response, who):
        if response.status_code not in (200, 400):
            return f"answered {response.status_code}"
        if "source" in response.context:
            got = response.context["source"].n_claims
        else:
            got = {source.pk: source.n_claims for source in response.context["page"]}.get(fx.public_source.pk)
        expected = editor if who == "editor" else blind
        return None if got == expected else f"counts {got} claims citing the public source, not {expected}"

    return check


def refused_to(*members):
    """The member must be refused (403 or 404); the others get a page."""

    def check(fx, response, who):
        if who in members:
            return (
                None
                if response.status_code in (403, 404)
                else f"answered {response.status_code}, not 403/404"
            )
        return None if response.status_code in (200, 400, 409) else f"answered {response.status_code}"

    return check


@dataclass(frozen=True)
class Probe:
    """One request. ``editor_sees``: strings the editor who sees everything must find in the answer
    (so the probe shows it reaches hidden data); ``check``: what the answer must hold for each
    member; ``post``: the body of a POST that changes nothing (refused or invalid)."""

    url: str
    editor_sees: tuple[str, ...] = ()
    check: object = None
    post: dict | None = None
    fragment: bool = False

    @property
    def is_api(self) -> bool:
        return self.url.startswith("/api/")


def probes(fx: Sweep) -> list[Probe]:
    """Every read path of the API and the pages, with every filter that could select on hidden data."""
    P = fx.project.id
    a1, a2 = fx.articles["a1"].id, fx.articles["a2"].id
    c = {key: claim.id for key, claim in fx.claims.items()}
    key_of = {claim.id: key for key, claim in fx.claims.items()}
    u = {who: user.username for who, user in fx.users.items()}
    verdicts = {key: verdict.id for key, verdict in fx.verdicts.items()}
    evidence = list(Evidence.objects.order_by("id"))
    secret_sources = list(Source.objects.exclude(pk=fx.public_source.pk).order_by("id"))
    secret_source = Source.objects.get(url=secret_evidence("d1", "r1")["url"])
    dis = {key: disagreement.id for key, disagreement in fx.disagreements.items()}
    verdict_kind = Disagreement.objects.filter(kind="verdict").order_by("id")
    verdict_disagreements = list(verdict_kind.values_list("id", flat=True))

    def disagreements_where(**where) -> list[int]:
        return list(verdict_kind.filter(**where).values_list("id", flat=True))

    adj = [adjudication.id for adjudication in fx.adjudications]
    entries = HistoryEntry.objects.order_by("id")
    verdict_entry = entries.filter(object_type="verdict").first().id
    evidence_entry = entries.filter(object_type="evidence").first().id
    adjudication_entry = entries.filter(object_type="adjudication").first().id
    status_entry = entries.filter(object_type="annotation", action="update", annotation_id=c["rs"]).first().id
    all_claims = list(fx.claims)
    open_verdict_disagreements = disagreements_where(status="open")
    every_rationale = tuple(f"hush-rationale-{key}-{who}" for key, who in fx.verdicts)
    d1_secrets = ("hush-rationale-d1-r1", "hush-title-d1-r2", "hush-quote-d1-r1")
    rs_secrets = ("hush-rationale-rs-r1", "hush-quote-rs-r2")
    d1_start = A1_TEXT.index(fx.claims["d1"].quote)
    d1_span = {
        "start": d1_start,
        "end": d1_start + len(fx.claims["d1"].quote),
        "quote": fx.claims["d1"].quote,
    }

    api = [
        Probe("/api/v1/projects/"),
        # Dry runs of the imports: they read the project's members and the article's text only.
        Probe("/api/v1/imports/labelstudio/", post={"project": P, "export": [], "dry_run": True}),
        Probe("/api/v1/imports/w3c/", post={"article": a1, "export": [], "dry_run": True}),
        Probe(f"/api/v1/projects/{P}/"),
        Probe(f"/api/v1/projects/{P}/members/"),
        Probe(f"/api/v1/projects/{P}/members/{u['r1']}/"),
        # Assignments are the desk's plan, not a judgement; the sweep's desk has none. A POST naming
        # both an article and a claim is refused (400 for editors, 403 below) and changes nothing.
        Probe(f"/api/v1/projects/{P}/assignments/", check=api_ids([], [])),
        Probe(
            f"/api/v1/projects/{P}/assignments/",
            post={"assignee": u["r1"], "article": a1, "annotation": c["d1"]},
        ),
        Probe(f"/api/v1/projects/{P}/assignments/{2**31}/", check=refused_to(*BLIND_USERS, "editor")),
        Probe("/api/v1/articles/"),
        Probe(f"/api/v1/articles/{a1}/"),
        Probe(f"/api/v1/articles/{a1}/revisions/"),
        # Annotations: lists, every filter, orderings, details.
        Probe("/api/v1/annotations/", every_rationale, api_claims(all_claims, all_claims)),
        Probe(f"/api/v1/annotations/?project={P}", every_rationale, api_claims(all_claims, all_claims)),
        Probe(f"/api/v1/annotations/?article={a1}", d1_secrets, api_claims(all_claims[:6], all_claims[:6])),
        Probe(
            f"/api/v1/annotations/?article={a2}",
            ("hush-rationale-sp1-r2",),
            api_claims(["sp1", "sp2"], ["sp1", "sp2"]),
        ),
        Probe("/api/v1/annotations/?status=disputed", d1_secrets, api_claims([], ["d1", "d2", "sp1"])),
        Probe(
            "/api/v1/annotations/?status=needs_review",
            check=api_claims(["d1", "d2", "pd", "n0", "sp1", "sp2"], ["pd", "n0", "sp2"]),
        ),
        Probe(
            "/api/v1/annotations/?status=disputed&status=agreed",
            check=api_claims(["ag"], ["ag", "d1", "d2", "sp1"]),
        ),
        Probe("/api/v1/annotations/?status=agreed", check=api_claims(["ag"], ["ag"])),
        Probe("/api/v1/annotations/?status=resolved", rs_secrets, api_claims(["rs"], ["rs"])),
        Probe("/api/v1/annotations/?rating=true", check=api_claims(["ag"], ["ag"])),
        Probe("/api/v1/annotations/?rating=false", check=api_claims(["rs"], ["rs"])),
        Probe("/api/v1/annotations/?rating=mostly_true", check=api_claims([], [])),
        Probe("/api/v1/annotations/?rating=mixed", check=api_claims([], [])),
        Probe(
            f"/api/v1/annotations/?reviewer={u['r1']}",
            ("hush-rationale-d2-r1",),
            api_claims([], ["ag", "rs", "d1", "d2"]),
        ),
        Probe(f"/api/v1/annotations/?reviewer={u['r3']}", check=api_claims([], ["ag", "d2", "sp1"])),
        Probe(f"/api/v1/annotations/?reviewer={u['editor']}", check=api_claims([], [])),
        Probe("/api/v1/annotations/?q=troops", d1_secrets, api_claims(["d1"], ["d1"])),
        Probe("/api/v1/annotations/?q=rationale", check=api_claims([], [])),
        Probe(f"/api/v1/annotations/?author={u['r1']}", check=api_claims(["sp2"], ["sp2"])),
        Probe("/api/v1/annotations/?orphaned=false", check=api_claims(all_claims, all_claims)),
        Probe("/api/v1/annotations/?ordering=status", check=api_sorted_by_status(False)),
        Probe("/api/v1/annotations/?ordering=-status", check=api_sorted_by_status(True)),
        *(
            Probe(
                f"/api/v1/annotations/{c[key]}/",
                (f"hush-rationale-{key}-",) if key in {k for k, _ in fx.verdicts} else (),
                api_claim(key),
            )
            for key in fx.claims
        ),
        Probe(
            "/api/v1/annotations/",
            ("hush-rationale-d1-r1",),
            api_claim("d1"),
            post={"article": a1, **d1_span},
        ),
        # Verdicts.
        Probe("/api/v1/verdicts/", every_rationale, api_ids([], list(verdicts.values()))),
        Probe(f"/api/v1/verdicts/?project={P}", every_rationale, api_ids([], list(verdicts.values()))),
        Probe(f"/api/v1/verdicts/?article={a1}", d1_secrets),
        Probe(
            f"/api/v1/verdicts/?annotation={c['d1']}",
            d1_secrets,
            api_ids([], [verdicts["d1", "r1"], verdicts["d1", "r2"]]),
        ),
        Probe(
            "/api/v1/verdicts/?rating=mostly_true",
            ("hush-rationale-d1-r1",),
            api_ids([], [verdicts["d1", "r1"]]),
        ),
        Probe("/api/v1/verdicts/?rating=true&rating=misleading", ("hush-rationale-d2-r1",)),
        Probe(f"/api/v1/verdicts/?reviewer={u['r2']}", ("hush-rationale-pd-r2",)),
        Probe(f"/api/v1/verdicts/?reviewer={u['reviewer']}", check=api_ids([], [])),
        Probe("/api/v1/verdicts/?confidence=high", every_rationale),
        Probe("/api/v1/verdicts/?ordering=rating", every_rationale),
        Probe("/api/v1/verdicts/?ordering=-updated_at", every_rationale),
        *(
            Probe(f"/api/v1/verdicts/{pk}/", (f"hush-rationale-{key}-{who}",), refused_to(*BLIND_USERS))
            for (key, who), pk in verdicts.items()
        ),
        Probe(
            "/api/v1/verdicts/",
            post={"annotation": c["rs"], "rating": "true", "confidence": "low", "rationale": "late"},
        ),
        # Evidence.
        Probe(
            "/api/v1/evidence/",
            ("hush-quote-d1-r1", "hush-quote-sp1-r3"),
            api_ids([], [e.id for e in evidence if e.verdict_id]),
        ),
        Probe(f"/api/v1/evidence/?project={P}", ("hush-quote-d2-r3",)),
        Probe(f"/api/v1/evidence/?annotation={c['d1']}", ("hush-quote-d1-r1", "hush-title-d1-r2")),
        Probe(f"/api/v1/evidence/?verdict={verdicts['pd', 'r2']}", ("hush-quote-pd-r2",)),
        Probe(
            f"/api/v1/evidence/?source={fx.public_source.id}",
            ("hush-quote-ag-public",),
            api_ids([], [e.id for e in evidence if e.source_id == fx.public_source.id]),
        ),
        Probe(f"/api/v1/evidence/?source={secret_source.id}", ("hush-quote-d1-r1",)),
        Probe("/api/v1/evidence/?stance=supports", ("hush-quote-ag-public",)),
        Probe("/api/v1/evidence/?stance=refutes", ("hush-quote-sp1-r3",)),
        Probe("/api/v1/evidence/?ordering=-created_at", ("hush-quote-sp1-r3",)),
        *(
            Probe(f"/api/v1/evidence/{piece.id}/", (piece.quote,), refused_to(*BLIND_USERS))
            for piece in evidence
            if piece.verdict_id
        ),
        # An adjudication's evidence is read through its adjudication; here it answers 404 to all.
        *(Probe(f"/api/v1/evidence/{piece.id}/") for piece in evidence if piece.adjudication_id),
        # History.
        Probe("/api/v1/history/", ("hush-rationale-d1-r1", "hush-adjudication-first"), api_history_kinds),
        Probe(f"/api/v1/history/?project={P}", ("hush-quote-d2-r1",), api_history_kinds),
        *(Probe(f"/api/v1/history/?annotation={c[key]}", check=api_history_kinds) for key in fx.claims),
        *(
            Probe(f"/api/v1/history/?object=annotation:{c[key]}", check=api_history_kinds)
            for key in fx.claims
        ),
        Probe(
            f"/api/v1/history/?object=verdict:{verdicts['d1', 'r1']}",
            ("hush-rationale-d1-r1",),
            api_history_kinds,
        ),
        Probe(f"/api/v1/history/?object=evidence:{evidence[0].id}", (evidence[0].quote,), api_history_kinds),
        Probe(
            f"/api/v1/history/?object=adjudication:{adj[0]}", ("hush-adjudication-first",), api_history_kinds
        ),
        *(
            Probe(f"/api/v1/history/?object_type={kind}", check=api_history_kinds)
            for kind in ("verdict", "evidence", "adjudication", "annotation", "article")
        ),
        Probe("/api/v1/history/?action=update", ('"object_type": "adjudication"',), api_history_kinds),
        Probe("/api/v1/history/?action=create", ("hush-rationale-ag-r3",), api_history_kinds),
        Probe(f"/api/v1/history/?user={u['r1']}", ("hush-rationale-ag-r1",), api_history_kinds),
        Probe(f"/api/v1/history/?user={u['editor']}", ("hush-adjudication-second",), api_history_kinds),
        Probe("/api/v1/history/?ordering=-at", ("hush-rationale-sp1-r3",), api_history_kinds),
        Probe(f"/api/v1/history/{verdict_entry}/", ("hush-rationale-",), refused_to(*BLIND_USERS)),
        Probe(f"/api/v1/history/{evidence_entry}/", ("hush-quote-",), refused_to(*BLIND_USERS)),
        Probe(
            f"/api/v1/history/{adjudication_entry}/", ("hush-adjudication-first",), refused_to(*BLIND_USERS)
        ),
        Probe(f"/api/v1/history/{status_entry}/"),
        # Disagreements: span ones are the desk's open business, verdict ones betray the verdicts.
        Probe("/api/v1/disagreements/", check=api_ids([dis["span"]], [*verdict_disagreements, dis["span"]])),
        Probe(
            f"/api/v1/disagreements/?project={P}",
            check=api_ids([dis["span"]], [*verdict_disagreements, dis["span"]]),
        ),
        Probe(
            f"/api/v1/disagreements/?article={a1}",
            check=api_ids([], disagreements_where(annotation__article=a1)),
        ),
        Probe(
            f"/api/v1/disagreements/?annotation={c['d1']}",
            check=api_ids([], disagreements_where(annotation=c["d1"])),
        ),
        Probe(
            f"/api/v1/disagreements/?annotation={c['sp1']}",
            check=api_ids([dis["span"]], [*disagreements_where(annotation=c["sp1"]), dis["span"]]),
        ),
        Probe("/api/v1/disagreements/?status=open", check=api_ids([], open_verdict_disagreements)),
        Probe(
            "/api/v1/disagreements/?status=resolved",
            check=api_ids([dis["span"]], [*disagreements_where(status="resolved"), dis["span"]]),
        ),
        Probe("/api/v1/disagreements/?status=closed", check=api_ids([], [])),
        Probe("/api/v1/disagreements/?kind=verdict", check=api_ids([], verdict_disagreements)),
        Probe("/api/v1/disagreements/?kind=span", check=api_ids([dis["span"]], [dis["span"]])),
        Probe(
            "/api/v1/disagreements/?severity=2",
            check=api_ids([], disagreements_where(severity=2, categorical=False)),
        ),
        Probe(
            "/api/v1/disagreements/?severity=categorical",
            check=api_ids([], disagreements_where(categorical=True)),
        ),
        Probe(
            "/api/v1/disagreements/?severity_min=1", check=api_ids([], disagreements_where(severity__gte=1))
        ),
        Probe(
            "/api/v1/disagreements/?ordering=-severity",
            check=api_ids([dis["span"]], [*verdict_disagreements, dis["span"]]),
        ),
        *(
            Probe(f"/api/v1/disagreements/{pk}/", ('"kind": "verdict"',), refused_to(*BLIND_USERS))
            for pk in verdict_disagreements
        ),
        Probe(f"/api/v1/disagreements/{dis['span']}/"),
        # Actions on a verdict disagreement that change nothing: the ratings differ, it has no spans.
        Probe(f"/api/v1/disagreements/{dis['d1']}/accept/", post={}),
        Probe(f"/api/v1/disagreements/{dis['d1']}/keep-both/", post={}),
        Probe(f"/api/v1/disagreements/{dis['d1']}/merge/", post={"keep": c["d1"]}),
        # Adjudications.
        Probe(
            "/api/v1/adjudications/",
            ("hush-adjudication-first", "hush-quote-adjudication-editor"),
            api_ids([], adj),
        ),
        Probe(f"/api/v1/adjudications/?project={P}", ("hush-adjudication-second",), api_ids([], adj)),
        Probe(
            f"/api/v1/adjudications/?annotation={c['rs']}", ("hush-adjudication-second",), api_ids([], adj)
        ),
        Probe(f"/api/v1/adjudications/?article={a1}", ("hush-adjudication-second",), api_ids([], adj)),
        Probe("/api/v1/adjudications/?rating=false", ("hush-adjudication-second",), api_ids([], adj[1:])),
        Probe(
            "/api/v1/adjudications/?rating=mostly_true", ("hush-adjudication-first",), api_ids([], adj[:1])
        ),
        Probe(f"/api/v1/adjudications/?editor={u['editor']}", ("hush-adjudication-first",), api_ids([], adj)),
        Probe("/api/v1/adjudications/?standing=false", ("hush-adjudication-first",), api_ids([], adj[:1])),
        Probe("/api/v1/adjudications/?ordering=-created_at", ("hush-adjudication-first",), api_ids([], adj)),
        *(
            Probe(f"/api/v1/adjudications/{pk}/", ("hush-adjudication-",), refused_to(*BLIND_USERS))
            for pk in adj
        ),
        # Queues.
        Probe("/api/v1/queues/to_review/", d1_secrets, api_claims(AWAITING, AWAITING, annotator=[])),
        Probe(
            f"/api/v1/queues/to_review/?project={P}", d1_secrets, api_claims(AWAITING, AWAITING, annotator=[])
        ),
        Probe(
            "/api/v1/queues/to_review/?status=disputed",
            d1_secrets,
            api_claims([], ["d1", "d2", "sp1"], annotator=[]),
        ),
        Probe("/api/v1/queues/to_review/?ordering=status", d1_secrets),
        Probe(
            f"/api/v1/queues/to_review/?reviewer={u['r1']}",
            d1_secrets,
            api_claims([], ["d1", "d2"], annotator=[]),
        ),
        Probe("/api/v1/queues/disputed/", d1_secrets, api_claims([], ["d1", "d2", "sp1"])),
        Probe(
            f"/api/v1/queues/disputed/?project={P}",
            d1_secrets,
            api_claims([], ["d1", "d2", "sp1"], annotator=REFUSED, reviewer=REFUSED),
        ),
        Probe("/api/v1/queues/done/", rs_secrets, api_claims(["ag", "rs"], ["ag", "rs"])),
        Probe(f"/api/v1/queues/done/?reviewer={u['r3']}", ("hush-rationale-ag-r3",), api_claims([], ["ag"])),
        Probe("/api/v1/queues/done/?ordering=-status", rs_secrets),
        # Agreement.
        Probe(f"/api/v1/agreement/?project={P}", ('"mostly_true"',), api_agreement),
        Probe(f"/api/v1/agreement/?article={a1}", ('"mostly_true"',), api_agreement),
        Probe(f"/api/v1/agreement/?article={a2}", ('"unverifiable"',), api_agreement),
        Probe(f"/api/v1/agreement/?project={P}&reviewer={u['r1']}", ('"misleading"',), api_agreement),
        Probe(f"/api/v1/agreement/?project={P}&reviewer={u['reviewer']}"),
        # Exports: the claims with the annotation list's filters, their verdicts and evidence,
        # and the ClaimReview of the published claims.
        Probe(f"/api/v1/exports/claims.csv?project={P}", check=export_claims(all_claims, all_claims)),
        Probe(
            f"/api/v1/exports/claims.csv?project={P}&status=disputed",
            check=export_claims([], ["d1", "d2", "sp1"]),
        ),
        Probe(
            f"/api/v1/exports/claims.csv?project={P}&status=needs_review",
            check=export_claims(["d1", "d2", "pd", "n0", "sp1", "sp2"], ["pd", "n0", "sp2"]),
        ),
        Probe(
            f"/api/v1/exports/claims.csv?project={P}&reviewer={u['r1']}",
            check=export_claims([], ["ag", "rs", "d1", "d2"]),
        ),
        Probe(f"/api/v1/exports/claims.csv?project={P}&rating=true", check=export_claims(["ag"], ["ag"])),
        Probe(
            f"/api/v1/exports/claims.csv?project={P}&ordering=status",
            check=export_claims(all_claims, all_claims),
        ),
        Probe(
            f"/api/v1/exports/claims-verdicts.csv?project={P}", every_rationale, export_rows(0, len(verdicts))
        ),
        Probe(
            f"/api/v1/exports/claims-verdicts.csv?project={P}&status=disputed",
            ("hush-rationale-d1-r1",),
            export_rows(0, 6),
        ),
        Probe(
            f"/api/v1/exports/claims-evidence.csv?project={P}",
            ("hush-quote-d1-r1", "hush-quote-ag-public"),
            export_rows(0, len([piece for piece in evidence if piece.verdict_id])),
        ),
        Probe(
            f"/api/v1/exports/claims.jsonl?project={P}",
            every_rationale,
            export_claims(all_claims, all_claims),
        ),
        Probe(
            f"/api/v1/exports/claims.jsonl?project={P}&status=disputed",
            d1_secrets,
            export_claims([], ["d1", "d2", "sp1"]),
        ),
        Probe(
            f"/api/v1/exports/claims.jsonl?project={P}&reviewer={u['r2']}",
            ("hush-rationale-pd-r2",),
            export_claims([], ["ag", "rs", "d1", "pd", "sp1"]),
        ),
        Probe(f"/api/v1/exports/claimreview/?project={P}", check=claim_reviews(["ag", "rs"])),
        Probe(f"/api/v1/exports/claimreview/?project={P}&rating=false", check=claim_reviews(["rs"])),
        Probe(f"/api/v1/exports/claimreview/?project={P}&rating=mostly_true", check=claim_reviews([])),
        *(Probe(f"/api/v1/exports/claimreview/{c[key]}/") for key in ("ag", "rs", "d1")),
        *(Probe(f"/api/v1/exports/claimreview/{c[key]}/snippet/") for key in ("rs", "d1")),
        # Similar claims ("checked before?"): a disputed match reads needs_review to the blind.
        Probe(f"/api/v1/annotations/{c['sp2']}/similar/", ('"disputed"',), api_similar(["sp1"])),
        Probe(f"/api/v1/annotations/{c['sp1']}/similar/", check=api_similar(["sp2"])),
        Probe(
            f"/api/v1/annotations/{c['d1']}/same-claims/", post={}, check=refused_to("annotator", "reviewer")
        ),
        Probe(f"/annotations/{c['sp2']}/checked-before/", ("status-disputed",)),
        Probe(f"/annotations/{c['sp1']}/checked-before/"),
        Probe(f"/annotations/{c['d1']}/same-claims/", post={}, check=refused_to("annotator", "reviewer")),
        # W3C Web Annotations: each claim, each article's collection and its first page.
        *(
            Probe(
                f"/api/v1/w3c/annotations/{c[key]}/",
                (f"hush-rationale-{key}-",) if key not in ("n0", "sp2") else (),
                w3c_annotation(key),
            )
            for key in fx.claims
        ),
        Probe(f"/api/v1/w3c/articles/{a1}/"),
        Probe(
            f"/api/v1/w3c/articles/{a1}/?page=1",
            ("hush-rationale-d1-r1", "d1-r2.hush.example.org"),
            w3c_page(all_claims[:6]),
        ),
        Probe(f"/api/v1/w3c/articles/{a2}/?page=1&page_size=1", ("hush-rationale-sp1-r3",)),
        Probe(f"/api/v1/w3c/articles/{a1}/revisions/1/"),
        # Sources and domains.
        Probe(
            "/api/v1/sources/",
            ("hush-title-d1-r1",),
            api_ids([fx.public_source.id], [fx.public_source.id, *(s.id for s in secret_sources)]),
        ),
        Probe(f"/api/v1/sources/?project={P}", ("hush-title-d2-r3",)),
        Probe(
            "/api/v1/sources/?q=title-d1",
            ("hush-title-d1-r1",),
            api_ids([], [s.id for s in secret_sources if "title-d1" in s.title]),
        ),
        Probe(
            "/api/v1/sources/?q=report", ("hush-title-sp1-r3",), api_ids([], [s.id for s in secret_sources])
        ),
        Probe("/api/v1/sources/?q=handbook", check=api_ids([fx.public_source.id], [fx.public_source.id])),
        Probe(
            "/api/v1/sources/?domain=hush.example.org",
            ("hush-title-pd-r2",),
            api_ids([], [s.id for s in secret_sources]),
        ),
        Probe(
            "/api/v1/sources/?domain=d1-r1.hush.example.org",
            ("hush-title-d1-r1",),
            api_ids([], [secret_source.id]),
        ),
        Probe(
            "/api/v1/sources/?domain=example.net", check=api_ids([fx.public_source.id], [fx.public_source.id])
        ),
        Probe("/api/v1/sources/?kind=other", ("hush-title-ag-r2",)),
        Probe(
            "/api/v1/sources/?reliability=high", check=api_ids([fx.public_source.id], [fx.public_source.id])
        ),
        Probe(
            "/api/v1/sources/?reliability=unrated",
            ("hush-title-rs-r1",),
            api_ids([], [s.id for s in secret_sources]),
        ),
        Probe("/api/v1/sources/?ordering=title", ("hush-title-rs-r2",)),
        Probe("/api/v1/sources/?ordering=-created_at", ("hush-title-rs-r2",)),
        Probe(f"/api/v1/sources/{fx.public_source.id}/"),
        *(Probe(f"/api/v1/sources/{s.id}/", (s.title,), refused_to(*BLIND_USERS)) for s in secret_sources),
        Probe("/api/v1/sources/", ("hush-title-d1-r1",), post={"project": P, "url": secret_source.url}),
        Probe("/api/v1/domains/", check=api_ids([fx.domain.id], [fx.domain.id])),
        Probe("/api/v1/domains/?q=hush", check=api_ids([], [])),
        Probe("/api/v1/domains/?q=library", check=api_ids([fx.domain.id], [fx.domain.id])),
        Probe(
            "/api/v1/domains/?reliability=high&ordering=domain", check=api_ids([fx.domain.id], [fx.domain.id])
        ),
        Probe(f"/api/v1/domains/{fx.domain.id}/"),
        Probe(f"/api/v1/imports/{fx.import_job.id}/"),
    ]

    pages = [
        Probe("/"),
        Probe(f"/projects/{P}/", ("gave a verdict",), page_counts),
        Probe(f"/projects/{P}/articles/", check=page_article_rows),
        Probe(f"/projects/{P}/articles/?status=disputed", check=page_rows([], [a1, a2])),
        Probe(f"/projects/{P}/articles/?status=needs_review", check=page_rows([a1, a2], [a1, a2])),
        Probe(f"/projects/{P}/articles/?status=agreed", check=page_rows([a1], [a1])),
        Probe(f"/projects/{P}/articles/?status=resolved", check=page_rows([a1], [a1])),
        Probe(f"/projects/{P}/articles/?awaiting=on", check=page_rows([a1, a2], [a1, a2], annotator=[])),
        Probe(f"/projects/{P}/articles/?q=Border&status=needs_review", check=page_rows([a1], [a1])),
        Probe(f"/projects/{P}/articles/import/"),
        Probe(f"/projects/{P}/bring-in/"),
        Probe(f"/projects/{P}/bring-in/", post={"source": "w3c", "article": str(a1)}),
        Probe(f"/imports/{fx.import_job.id}/"),
        Probe(
            f"/projects/{P}/sources/",
            ("hush-title-d1-r1",),
            page_rows([fx.public_source.id], [fx.public_source.id, *(s.id for s in secret_sources)]),
        ),
        Probe(
            f"/projects/{P}/sources/?q=title-d1",
            ("hush-title-d1-r2",),
            page_rows([], [s.id for s in secret_sources if "title-d1" in s.title]),
        ),
        Probe(
            f"/projects/{P}/sources/?q=report",
            ("hush-title-d2-r1",),
            page_rows([], [s.id for s in secret_sources]),
        ),
        Probe(f"/projects/{P}/sources/?kind=other", ("hush-title-d2-r1",)),
        Probe(
            f"/projects/{P}/sources/?reliability=high",
            check=page_rows([fx.public_source.id], [fx.public_source.id]),
        ),
        Probe(
            f"/projects/{P}/sources/?reliability=unrated",
            ("hush-title-d2-r1",),
            page_rows([], [s.id for s in secret_sources]),
        ),
        Probe(f"/projects/{P}/sources/?q=handbook", check=source_claims(0, 1)),
        Probe(f"/sources/{fx.public_source.id}/", check=source_claims(0, 1)),
        Probe(f"/sources/{fx.public_source.id}/", post={"kind": "bogus"}),
        Probe(f"/sources/{secret_source.id}/", ("hush-title-d1-r1",), refused_to(*BLIND_USERS)),
        Probe(
            f"/sources/{secret_source.id}/",
            ("hush-title-d1-r1",),
            refused_to(*BLIND_USERS),
            post={"kind": "x"},
        ),
        Probe(f"/projects/{P}/assignments/"),
        Probe(f"/projects/{P}/assignments/", post={"article": "x", "assignee": u["r1"]}),
        Probe(
            f"/projects/{P}/assignments/{2**31}/withdraw/", check=refused_to(*BLIND_USERS, "editor"), post={}
        ),
        Probe(f"/projects/{P}/members/"),
        # The archive holds every verdict: project admins only (the sweep's editor is no admin),
        # and importing one is for site staff.
        Probe(f"/projects/{P}/archive/", check=refused_to(*BLIND_USERS, "editor")),
        Probe(f"/projects/{P}/archive/download/", check=refused_to(*BLIND_USERS, "editor")),
        Probe("/projects/import-archive/", check=refused_to(*BLIND_USERS, "editor")),
        Probe(f"/articles/{a1}/", check=page_reader("a1")),
        Probe(f"/articles/{a2}/", check=page_reader("a2")),
        *(
            Probe(
                f"/articles/{fx.claims[key].article_id}/?claim={c[key]}",
                (f"hush-rationale-{key}-",) if key not in ("n0", "sp2") else (),
                page_reader("a2" if key.startswith("sp") else "a1", key),
            )
            for key in fx.claims
        ),
        *(
            Probe(
                f"/annotations/{c[key]}/",
                (f"hush-rationale-{key}-",) if key not in ("n0", "sp2") else (),
                page_panel(key),
                fragment=fragment,
            )
            for key in fx.claims
            for fragment in (False, True)
        ),
        Probe(
            f"/articles/{a1}/annotations/",
            ("hush-rationale-d1-r1",),
            page_reader("a1", "d1"),
            post={**d1_span, "revision": fx.articles["a1"].current_revision_id},
        ),
        Probe(
            f"/annotations/{c['d1']}/claim/",
            ("hush-rationale-d1-r1",),
            page_panel("d1"),
            post={"version": "x"},
        ),
        Probe(f"/annotations/{c['d1']}/verdict/", ("hush-rationale-d1-r1",), page_panel("d1"), post={}),
        # Correcting a highlight: invalid forms answer the reader with the claim's panel.
        Probe(
            f"/annotations/{c['d1']}/span/",
            ("hush-rationale-d1-r1",),
            page_panel("d1"),
            post={"version": "x"},
        ),
        Probe(
            f"/annotations/{c['d1']}/delete/",
            ("hush-rationale-d1-r1",),
            page_panel("d1"),
            post={"version": "x"},
        ),
        # The next claim awaiting the member's verdict (the to-review queue's rule), followed to its page.
        Probe(f"/projects/{P}/next-claim/"),
        Probe(f"/projects/{P}/next-claim/?after={c['d1']}"),
        Probe(f"/projects/{P}/next-claim/?article={a2}"),
        Probe(f"/annotations/{c['rs']}/verdict/", ("hush-adjudication-second",), page_panel("rs"), post={}),
        Probe(
            f"/sources/{secret_source.id}/reliability/", ("hush-title-d1-r1",), post={"reliability": "bogus"}
        ),
        Probe(
            f"/sources/{fx.public_source.id}/reliability/",
            ("hush-title-d1-r1",),
            post={"reliability": "bogus"},
        ),
        *(
            Probe(
                f"/history/annotation/{c[key]}/",
                ("gave a verdict",) if key not in ("n0", "sp2") else (),
                page_history_kinds,
            )
            for key in fx.claims
        ),
        *(
            Probe(f"/history/verdict/{pk}/", ("gave a verdict",), page_history_kinds)
            for pk in verdicts.values()
        ),
        Probe(f"/history/evidence/{evidence[0].id}/", ("added evidence",), page_history_kinds),
        *(Probe(f"/history/adjudication/{pk}/", ("adjudicated",), page_history_kinds) for pk in adj),
        Probe(f"/history/article/{a1}/"),
        Probe(f"/projects/{P}/queues/to-review/", check=page_rows(AWAITING, AWAITING, annotator=[])),
        Probe(
            f"/projects/{P}/queues/disputed/",
            ("verdicts differ",),
            page_rows([], ["d1", "d2", "sp1"], annotator=REFUSED, reviewer=REFUSED),
        ),
        Probe(f"/projects/{P}/queues/done/", check=page_rows(["ag", "rs"], ["ag", "rs"])),
        Probe(
            f"/projects/{P}/disagreements/",
            ("verdicts differ",),
            page_rows([], open_verdict_disagreements, annotator=REFUSED, reviewer=REFUSED),
        ),
        Probe(
            f"/projects/{P}/disagreements/?status=any",
            ("verdicts differ",),
            page_rows(
                [dis["span"]], [*verdict_disagreements, dis["span"]], annotator=REFUSED, reviewer=REFUSED
            ),
        ),
        Probe(
            f"/projects/{P}/disagreements/?status=resolved&kind=verdict",
            ("verdicts differ",),
            page_rows([], disagreements_where(status="resolved"), annotator=REFUSED, reviewer=REFUSED),
        ),
        Probe(
            f"/projects/{P}/disagreements/?status=any&claim={c['d1']}",
            ("verdicts differ",),
            page_rows([], disagreements_where(annotation=c["d1"]), annotator=REFUSED, reviewer=REFUSED),
        ),
        Probe(f"/projects/{P}/agreement/", ("claims both rated",), page_agreement),
        Probe(f"/projects/{P}/agreement/?article={a2}", ("claims both rated",), page_agreement),
        *(
            Probe(
                f"/disagreements/{disagreement.id}/",
                (f"hush-rationale-{key_of[disagreement.annotation_id]}-",),
                refused_to(*BLIND_USERS),
            )
            for disagreement in verdict_kind
        ),
        Probe(
            f"/disagreements/{dis['span']}/", ("hush-rationale-sp1-r2",), refused_to("annotator", "reviewer")
        ),
        Probe(f"/disagreements/{dis['d1']}/adjudicate/", d1_secrets, refused_to(*BLIND_USERS), post={}),
        Probe(f"/disagreements/{dis['d1']}/accept/", d1_secrets, refused_to(*BLIND_USERS), post={}),
        Probe(f"/disagreements/{dis['d1']}/merge/", d1_secrets, refused_to(*BLIND_USERS), post={}),
        Probe(f"/disagreements/{dis['d1']}/keep-both/", post={}),
        Probe(
            f"/annotations/{c['d1']}/disagreement/",
            ("hush-rationale-d1-r1",),
            refused_to("annotator", "reviewer"),
        ),
        *(
            Probe(f"/annotations/{c[key]}/disagreement/", check=refused_to("annotator", "reviewer"))
            for key in ("rs", "sp1", "n0")
        ),
    ]
    return api + pages


# Routes no probe reaches, each with the reason. Everything else the resolver knows must be probed.
SKIPPED_ROUTES = {
    # Signing in and out: no project data.
    "login": "the sign-in form",
    "logout": "POST only; signs out",
    "api:token": "POST of a username and password; answers a token",
    "api:token-revoke": "POST only; deletes the caller's own token, answers a count",
    "account-token-revoke": "POST only; deletes the caller's own token, redirects home",
    # The API's description: no data (and it names every rating and status as an enum).
    "schema": "the OpenAPI schema",
    "api-docs": "the interactive docs page",
    # Writes whose valid answers are the written object itself, refused or 400 before any read of
    # hidden data; a probe would have to change the desk.
    "api:article-bulk": "imports articles; answers the articles, which hold no judgement",
    "api:annotation-bulk": "places annotations (a write even when every span exists)",
    "api:annotation-reopen": "a valid POST re-opens a resolved claim",
    "api:annotation-same-claim": "DELETE only; removes a same-claim link, answers no body",
    "annotations:annotation-reopen": "a valid POST re-opens a resolved claim; no invalid form exists",
    # Memberships hold no judgement; these are admins' writes answering the members page.
    "annotations:member-add": "admins add a member",
    "annotations:member-change": "admins change a role",
    "annotations:member-review-blind": "switches review_blind",
    "annotations:member-remove": "admins remove a member",
    # A person's own settings: no project data.
    "annotations:preferences": "the signed-in person's own keyboard preference",
}
# Django's admin answers staff only; no member of the desk is staff.
SKIPPED_NAMESPACES = ("admin:",)


def route_names(patterns=None, namespace: str = ""):
    """The name of every route the resolver knows, with its namespaces (``api:annotation-list``)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from route_names(pattern.url_patterns, inner)
        else:
            yield f"{namespace}{pattern.name or pattern.pattern}"


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def ask(client: Client, probe: Probe):
    """The answer to the probe, with ``kind`` ("json", "page" or "data") and ``body``, its text
    (JSON re-written in one layout, so that markers match however it was rendered)."""
    headers = {"X-Fragment": "panel"} if probe.fragment else {}
    if probe.post is None:
        response = client.get(probe.url, follow=True, headers=headers)
    elif probe.is_api:
        response = client.post(probe.url, probe.post, content_type="application/json", headers=headers)
    else:
        response = client.post(probe.url, probe.post, follow=True, headers=headers)
    content_type = response.get("Content-Type", "")
    raw = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
    if "ndjson" in content_type:
        response.kind = "json"
        response.body = "\n".join(json.dumps(json.loads(line)) for line in raw.splitlines() if line)
    elif "json" in content_type:
        response.kind, response.body = "json", json.dumps(json.loads(raw)) if raw else ""
    elif "html" in content_type:
        response.kind, response.body = "page", raw
    else:
        response.kind, response.body = "data", raw
    return response


# What betrays a judgement in a CSV export: a secret rating or a dispute as a value.
DATA_MARKERS = re.compile(rf"\b(?:{'|'.join(SECRET_RATINGS)}|disputed)\b")


def betrayals(response, probe: Probe) -> list[str]:
    """The secret texts and the markers of hidden judgements the answer shows, leaving out what the
    probe itself sent (an address, and its host, echoed back)."""
    body = CSRF_TOKEN.sub("", response.body)
    for value in (probe.post or {}).values():
        if isinstance(value, str):
            body = body.replace(value, "").replace(urlsplit(value).hostname or value, "")
    found = sorted(set(re.findall(rf"[\w./:-]*{HUSH}[\w./-]*", body, re.I)))
    if response.kind == "json":
        return found + [marker for marker in JSON_MARKERS if marker in body]
    if response.kind == "data":
        return found + sorted(set(DATA_MARKERS.findall(body)))
    page = CHROME.sub("", body).lower()
    return found + [marker for marker in PAGE_MARKERS if marker in page]


def where(probe: Probe) -> str:
    method = "GET" if probe.post is None else "POST"
    return f"{method} {probe.url}{' (X-Fragment: panel)' if probe.fragment else ''}"


def state_of_desk() -> tuple:
    """Enough of the desk to see that a sweep changed nothing."""
    return (
        HistoryEntry.objects.count(),
        list(Annotation.objects.order_by("id").values_list("id", "status", "final_rating", "version")),
        list(Verdict.objects.order_by("id").values_list("id", "rating", "version")),
        Evidence.objects.count(),
        list(Adjudication.objects.order_by("id").values_list("id", "superseded_at")),
        list(Disagreement.objects.order_by("id").values_list("id", "status")),
        list(Source.objects.order_by("id").values_list("id", "title", "reliability")),
    )


@pytest.mark.parametrize("who", BLIND_USERS)
def test_no_route_tells_a_member_who_knows_nothing_what_the_others_found(sweep, who):
    """Every probe of the API and the pages, as an annotator, a reviewer who judged nothing and an
    editor reviewing blind: no secret text, no hidden rating, no dispute and no trace of who judged
    what appears in any answer, and every count and filter result equals what a member who knows
    nothing gets. No answer is a 500, and the sweep changes nothing."""
    client = client_for(sweep.users[who])
    before = state_of_desk()
    problems = []
    for probe in probes(sweep):
        response = ask(client, probe)
        if response.status_code >= 500:
            problems.append(f"{where(probe)} as {who} answered {response.status_code}")
            continue
        if leaked := betrayals(response, probe):
            problems.append(f"{where(probe)} as {who} shows {leaked}")
        if probe.check is not None and (reason := probe.check(sweep, response, who)):
            problems.append(f"{where(probe)} as {who} {reason}")
    assert state_of_desk() == before
    assert not problems, f"{len(problems)} leaks:\n" + "\n".join(problems)


def test_the_same_routes_show_the_editor_what_they_hide(sweep):
    """The editor who sees everything finds on each probe the secrets it reaches, and the counts and
    filter results that follow from the real statuses and verdicts: each probe can fail."""
    client = client_for(sweep.users["editor"])
    before = state_of_desk()
    problems = []
    for probe in probes(sweep):
        response = ask(client, probe)
        if response.status_code >= 500:
            problems.append(f"{where(probe)} answered {response.status_code}")
            continue
        body = response.body.lower()
        if missing := [secret for secret in probe.editor_sees if secret.lower() not in body]:
            problems.append(f"{where(probe)} does not show {missing}")
        if probe.check is not None and (reason := probe.check(sweep, response, "editor")):
            problems.append(f"{where(probe)} {reason}")
    assert state_of_desk() == before
    assert not problems, "\n".join(problems)


def test_every_route_is_swept_or_skipped_with_a_reason(sweep):
    """A new route cannot be missed: each one the resolver knows is probed or listed in
    SKIPPED_ROUTES with its reason, and nothing is both."""
    routes = {name for name in route_names() if not name.startswith(SKIPPED_NAMESPACES)}
    swept = {resolve(urlsplit(probe.url).path).view_name for probe in probes(sweep)}
    assert routes - swept - set(SKIPPED_ROUTES) == set(), "routes neither probed nor skipped"
    assert swept & set(SKIPPED_ROUTES) == set(), "routes both probed and skipped"
    assert set(SKIPPED_ROUTES) - routes == set(), "skipped routes that no longer exist"


@pytest.mark.parametrize("who", ("reviewer", "blind_editor"))
def test_a_dispute_among_all_the_verdicts_needed_is_not_betrayed_by_what_awaits_a_verdict(who):
    """Three verdicts needed: on one claim all three differ, on another two agree. Both read
    needs_review to a member who judged neither, so whether they await that member's verdict (the
    to-review queue, its count, the reader's mark) must not tell them apart, or the queue betrays
    the dispute."""
    desk = make_desk(reviewers=4, required_verdicts=3)
    blind_editor = join_as_blind_editor(desk)
    member = {"reviewer": desk.reviewers[3], "blind_editor": blind_editor}[who]
    article = make_article(desk)
    split = make_annotation(desk, article=article, quote="The river rose 3.2 metres overnight.")
    for reviewer, rating in zip(desk.reviewers[:3], ("true", "false", "mixed"), strict=True):
        make_verdict(desk, annotation=split, reviewer=reviewer, rating=rating)
    pending = make_annotation(desk, article=article, quote="1,200 homes were flooded")
    for reviewer in desk.reviewers[:2]:
        make_verdict(desk, annotation=pending, reviewer=reviewer, rating="true")
    client = client_for(member)

    detail = client.get(f"/api/v1/annotations/{split.id}/").json()
    assert (
        detail["status"]
        == client.get(f"/api/v1/annotations/{pending.id}/").json()["status"]
        == "needs_review"
    )
    queued = {row["id"] for row in client.get("/api/v1/queues/to_review/").json()["results"]}
    page = client.get(f"/projects/{desk.project.id}/queues/to-review/")
    on_page = {claim.pk for claim in page.context["page"]}
    reader = client.get(f"/articles/{article.id}/").context["claims"]
    marked = {claim.pk for claim in reader if claim.awaits_me}
    home = client.get(f"/projects/{desk.project.id}/").context["to_review"]
    assert (split.id in queued, split.id in on_page, split.id in marked) == (
        pending.id in queued,
        pending.id in on_page,
        pending.id in marked,
    )
    assert home in (0, 2)


@pytest.mark.parametrize("who", ("reviewer", "blind_editor"))
def test_filtering_the_queue_to_review_by_rating_or_reviewer_tells_a_blind_member_nothing(who):
    """Reviewers 1 and 2 rated one claim differently (disputed), reviewer 1 alone rated another
    (needs review); a member who judged neither filters the to-review queue by every rating and by
    each reviewer, in the API and on the page. A rating filter reads final ratings only, so no
    rating may pick out a claim, and the claims another reviewer judged stay unknown: the answer is
    the same whatever the verdicts say."""
    desk = make_desk(reviewers=3)
    blind_editor = join_as_blind_editor(desk)
    member = {"reviewer": desk.reviewers[2], "blind_editor": blind_editor}[who]
    article = make_article(desk)
    disputed = make_annotation(desk, article=article, quote="The river rose 3.2 metres overnight.")
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[0], rating="false")
    make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[1], rating="true")
    pending = make_annotation(desk, article=article, quote="1,200 homes were flooded")
    make_verdict(desk, annotation=pending, reviewer=desk.reviewers[0], rating="mostly_true")
    untouched = make_annotation(desk, article=article, quote="The mayor said")
    client = client_for(member)
    queue = f"/projects/{desk.project.id}/queues/to-review/"

    def api(**filters):
        response = client.get("/api/v1/queues/to_review/", filters)
        assert response.status_code == 200, filters
        return {row["id"] for row in response.json()["results"]}

    def page(**filters):
        response = client.get(queue, filters)
        assert response.status_code == 200, filters
        return {claim.pk for claim in response.context["page"]}

    assert api() == page() == {disputed.id, pending.id, untouched.id}
    for rating in Rating.values:
        assert api(rating=rating) == set(), rating
        assert page(rating=rating) == page(), rating
    for reviewer in desk.reviewers[:2]:
        assert api(reviewer=reviewer.username) == set(), reviewer.username
        assert page(reviewer=reviewer.username) == page(), reviewer.username
    body = client.get(queue).content.decode()
    assert 'name="rating"' not in body
    assert 'name="reviewer"' not in body


def test_the_done_queue_filters_by_final_rating_without_showing_verdicts(hidden):
    """On Done, a member who judged nothing finds the resolved claim by its published final
    rating, and not by the rating a reviewer gave it."""
    desk, claim = hidden
    client = client_for(desk.reviewers[2])
    for path in ("/api/v1/queues/done/", f"/projects/{desk.project.id}/queues/done/"):
        found = client.get(path, {"rating": "mostly_false"})
        hidden_rating = client.get(path, {"rating": "misleading"})
        assert found.status_code == hidden_rating.status_code == 200
        assert str(claim.id) in found.content.decode(), path
        assert f"#{claim.id}" not in hidden_rating.content.decode(), path
        assert f'"id":{claim.id}' not in hidden_rating.content.decode().replace(" ", ""), path
