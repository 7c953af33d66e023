"""Many clients at once against PostgreSQL, counted: nothing lost, nothing twice, every status derived.

Each client is a thread of a bounded pool with its own database connection, speaking to the API
as a separate person would. A round releases its requests together (a barrier), so that they
meet in the services' row locks. Afterwards the database is read back and checked against what
the answers said: each 201 is one row, each 200 one change in history, each 409 and 412 nothing.
"""

import random
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.db.models import Q
from rest_framework.test import APIClient

from annotations.models import (
    Adjudication,
    Annotation,
    Disagreement,
    HistoryEntry,
    Role,
    Status,
    Verdict,
)
from annotations.services.disagreements import disputed_among, severity_of
from annotations.services.projects import add_member
from annotations.services.review import derived_status, independent_ratings
from tests.factories import make_annotation, make_article, make_desk, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="parallel writers need PostgreSQL's row locks"
    ),
]
CLIENTS = 8
RATINGS = ("true", "mostly_true", "mixed", "false", "misleading")


@dataclass
class Tally:
    """Every request sent, by operation and answer."""

    codes: Counter = field(default_factory=Counter)

    def add(self, operation: str, code: int) -> None:
        self.codes[operation, code] += 1

    @property
    def writes(self) -> int:
        return sum(self.codes.values())

    def count(self, code: int) -> int:
        return sum(n for (_, answer), n in self.codes.items() if answer == code)

    def report(self, title: str) -> str:
        lines = [f"{title}: {CLIENTS} clients, {self.writes} writes"]
        lines += [f"  {operation} -> {code}: {n}" for (operation, code), n in sorted(self.codes.items())]
        return "\n".join(lines)


@dataclass(frozen=True)
class Call:
    """One request: ``user`` sends ``method`` to ``path`` with ``body`` (and ``headers``)."""

    operation: str
    user: object
    method: str
    path: str
    body: dict | None = None
    headers: dict = field(default_factory=dict)


def at_once(pool: ThreadPoolExecutor, calls: list[Call], tally: Tally) -> list:
    """Send the calls from the pool's threads, released together; their responses, in order."""
    barrier = threading.Barrier(len(calls))

    def send(call: Call):
        client = APIClient()
        client.force_authenticate(call.user)
        try:
            barrier.wait(timeout=30)
            response = getattr(client, call.method)(call.path, call.body, format="json", headers=call.headers)
            return response.status_code, (response.json() if response.content else None)
        finally:
            connection.close()

    assert len(calls) <= CLIENTS
    answers = list(pool.map(send, calls))
    for call, (code, _) in zip(calls, answers, strict=True):
        assert code < 500, (call, code)
        tally.add(call.operation, code)
    return answers


def desk_with(*, reviewers: int, editors: int = 0, required_verdicts: int = 3):
    desk = make_desk(reviewers=reviewers, required_verdicts=required_verdicts)
    desk.editors = [desk.editor, desk.admin]
    for _ in range(editors - 2):
        user = make_user()
        add_member(actor=desk.admin, project_id=desk.project.id, username=user.username, role=Role.EDITOR)
        desk.editors.append(user)
    return desk


def assert_statuses_are_derived(claims) -> None:
    """Each claim's status and final rating are what the project's own derivation gives from its
    independent verdicts' blind ratings; its open verdict disagreement exists exactly when those
    ratings differ (one at most, with the severity they give), and a resolved claim carries the
    rating of its one standing adjudication."""
    claims = list(Annotation.objects.select_related("article__project").filter(pk__in=[c.pk for c in claims]))
    ratings = independent_ratings(claims)
    disputed = disputed_among(claims)
    for claim in claims:
        blind = ratings[claim.pk]
        open_verdict = Disagreement.objects.filter(annotation=claim, kind="verdict", status="open")
        standing = Adjudication.objects.filter(annotation=claim, superseded_at__isnull=True)
        if claim.status == Status.RESOLVED:
            assert claim.final_rating == standing.get().rating
            assert not open_verdict.exists()
            continue
        assert not standing.exists()
        expected = derived_status(
            blind, claim.article.project.required_verdicts, disputed=claim.pk in disputed
        )
        assert (claim.status, claim.final_rating) == expected, claim.pk
        if claim.merged_into_id is None and len(set(blind)) > 1:
            disagreement = open_verdict.get()
            assert (disagreement.severity, disagreement.categorical) == severity_of(set(blind))
        elif claim.merged_into_id is None:
            assert not open_verdict.exists()


def history_of(object_type: str, object_id: int):
    return HistoryEntry.objects.filter(object_type=object_type, object_id=object_id).order_by("id")


def test_reviewers_submitting_and_revising_verdicts_on_the_same_claims_lose_nothing():
    """Eight clients submit verdicts on the same claims while others revise theirs, submit twice,
    and race edits of one verdict with one ETag. Each reviewer ends with exactly one verdict per
    claim, carrying the last rating its answers accepted; each accepted change is in history, in
    order; a blind rating changed only while no one else had judged the claim; statuses derive."""
    rng = random.Random(13)
    desk = desk_with(reviewers=CLIENTS)
    article = make_article(desk, text="One. Two. Three. Four. Five. Six.\n\nSeven. Eight.")
    claims = [make_annotation(desk, article=article, quote=word) for word in ("One", "Two", "Three", "Four")]
    tally = Tally()
    accepted = defaultdict(list)  # verdict id -> ratings of the accepted edits, in answer order
    ids = {}  # (claim, reviewer) -> verdict id
    first, second = desk.reviewers[: CLIENTS // 2], desk.reviewers[CLIENTS // 2 :]

    def submit(reviewer, claim):
        body = {"annotation": claim.id, "rating": rng.choice(RATINGS), "confidence": "high"}
        return Call("submit", reviewer, "post", "/api/v1/verdicts/", body)

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for claim in claims:
            # Half the reviewers judge the claim; then they revise while the other half submit.
            for (code, body), call in zip(
                answers := at_once(pool, calls := [submit(r, claim) for r in first], tally),
                calls,
                strict=True,
            ):
                assert code == 201
                ids[claim.id, call.user.pk] = body["id"]
            revisions = [
                Call(
                    "revise",
                    reviewer,
                    "patch",
                    f"/api/v1/verdicts/{ids[claim.id, reviewer.pk]}/",
                    {"rating": rng.choice(RATINGS), "rationale": f"Second look by {reviewer.username}."},
                    {"If-Match": f'"verdict-{ids[claim.id, reviewer.pk]}-v1"'},
                )
                for reviewer in first
            ]
            calls = revisions + [submit(r, claim) for r in second]
            answers = at_once(pool, calls, tally)
            for call, (code, body) in zip(calls, answers, strict=True):
                if call.operation == "revise":
                    assert code == 200
                    accepted[body["id"]].append(call.body["rating"])
                else:
                    assert code == 201
                    ids[claim.id, call.user.pk] = body["id"]
            # Everyone submits again at once: each a duplicate.
            assert [code for code, _ in at_once(pool, [submit(r, claim) for r in desk.reviewers], tally)] == [
                409
            ] * CLIENTS
            # Eight clients of one reviewer edit one verdict with the same ETag: one wins.
            reviewer = second[0]
            verdict_id = ids[claim.id, reviewer.pk]
            version = Verdict.objects.get(pk=verdict_id).version
            calls = [
                Call(
                    "revise-same-etag",
                    reviewer,
                    "patch",
                    f"/api/v1/verdicts/{verdict_id}/",
                    {"rating": RATINGS[n % len(RATINGS)], "rationale": f"Client {n}."},
                    {"If-Match": f'"verdict-{verdict_id}-v{version}"'},
                )
                for n in range(CLIENTS)
            ]
            answers = at_once(pool, calls, tally)
            codes = [code for code, _ in answers]
            assert sorted(codes) == [200] + [412] * (CLIENTS - 1)
            accepted[verdict_id].append(calls[codes.index(200)].body["rating"])

    n_claims = len(claims)
    assert tally.codes["submit", 201] == Verdict.objects.count() == CLIENTS * n_claims
    assert tally.codes["submit", 409] == CLIENTS * n_claims
    assert tally.codes["revise-same-etag", 412] == (CLIENTS - 1) * n_claims
    assert Verdict.objects.values("annotation", "reviewer").distinct().count() == CLIENTS * n_claims
    for verdict in Verdict.objects.all():
        entries = list(history_of("verdict", verdict.pk))
        assert [entry.action for entry in entries] == ["create"] + ["update"] * len(accepted[verdict.pk])
        assert [entry.after["rating"] for entry in entries[1:]] == accepted[verdict.pk]
        assert verdict.version == 1 + len(accepted[verdict.pk])
        assert verdict.rating == entries[-1].after["rating"]
        assert verdict.blind_rating == entries[-1].after["blind_rating"]
        assert verdict.revised_after_reveal == (verdict.rating != verdict.blind_rating)
        assert verdict.independent
        for entry in entries[1:]:
            if entry.before["blind_rating"] != entry.after["blind_rating"]:
                others_before = HistoryEntry.objects.filter(
                    object_type="verdict",
                    action="create",
                    annotation_id=verdict.annotation_id,
                    id__lt=entry.id,
                ).exclude(object_id=verdict.pk)
                assert not others_before.exists(), "a blind rating changed after the reveal"
    assert_statuses_are_derived(claims)
    print("\n" + tally.report("verdicts"))


def test_racing_edits_of_one_annotation_with_one_etag_let_exactly_one_through():
    """Each round, eight clients read the same ETag and send an edit with it: one answers 200, seven
    412 and change nothing. The version counts the rounds, and history holds each winner's text."""
    desk = desk_with(reviewers=1, editors=CLIENTS)
    claim = make_annotation(desk)
    rounds = 6
    tally = Tally()
    winners = []
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for round_ in range(rounds):
            client = APIClient()
            client.force_authenticate(desk.editor)
            etag = client.get(f"/api/v1/annotations/{claim.id}/")["ETag"]
            calls = [
                Call(
                    "edit",
                    editor,
                    "patch",
                    f"/api/v1/annotations/{claim.id}/",
                    {"claim": f"Round {round_}, editor {n}.", "tags": [f"round-{round_}"]},
                    {"If-Match": etag},
                )
                for n, editor in enumerate(desk.editors)
            ]
            codes = [code for code, _ in at_once(pool, calls, tally)]
            assert sorted(codes) == [200] + [412] * (CLIENTS - 1)
            winners.append(calls[codes.index(200)].body["claim"])
    claim.refresh_from_db()
    assert claim.version == 1 + rounds
    assert claim.claim == winners[-1]
    assert list(claim.tags.values_list("name", flat=True)) == [f"round-{rounds - 1}"]
    updates = history_of("annotation", claim.pk).filter(action="update")
    assert [entry.after["claim"] for entry in updates] == winners
    assert tally.count(412) == (CLIENTS - 1) * rounds
    print("\n" + tally.report("annotation edits with If-Match"))


def test_editors_adjudicating_merging_and_keeping_both_at_once_settle_each_disagreement_once():
    """Per round: eight editors race to adjudicate one disputed claim (one 201, seven 409); then
    eight clients race on one span disagreement (merges either way, keep-both, an adjudication of
    each claim, a new verdict on one): exactly one merge or keep-both settles it, no verdict is lost
    or doubled, a reviewer keeps one verdict per claim, and every status derives."""
    rounds = 5
    desk = desk_with(reviewers=4, editors=CLIENTS, required_verdicts=2)
    r1, r2, r3, r4 = desk.reviewers
    tally = Tally()
    settled = Counter()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for round_ in range(rounds):
            article = make_article(desk, text=f"Round {round_}: the harbour froze for ten days in March.")
            text = article.current_revision.text
            disputed = make_annotation(desk, article=article, quote="the harbour froze")
            for reviewer, rating in ((r1, "true"), (r2, "false")):
                client = APIClient()
                client.force_authenticate(reviewer)
                body = {"annotation": disputed.id, "rating": rating, "confidence": "high"}
                assert client.post("/api/v1/verdicts/", body, format="json").status_code == 201
            calls = [
                Call(
                    "adjudicate",
                    editor,
                    "post",
                    "/api/v1/adjudications/",
                    {
                        "annotation": disputed.id,
                        "rating": RATINGS[n % len(RATINGS)],
                        "rationale": f"Editor {n}.",
                    },
                )
                for n, editor in enumerate(desk.editors)
            ]
            codes = [code for code, _ in at_once(pool, calls, tally)]
            assert sorted(codes) == [201] + [409] * (CLIENTS - 1)
            adjudication = Adjudication.objects.get(annotation=disputed)
            assert adjudication.rating == calls[codes.index(201)].body["rating"]
            assert Disagreement.objects.get(annotation=disputed, kind="verdict").status == "resolved"

            # Two people cut the same claim differently; reviewers judged one or both.
            start = text.index("ten days in March")
            narrow = make_annotation(desk, article=article, quote="ten days")
            wide = make_annotation(desk, article=article, quote=text[start:], author=desk.editor)
            for reviewer, claim, rating in (
                (r1, narrow, "true"),
                (r2, narrow, "mixed"),
                (r1, wide, "true"),
                (r3, wide, "false"),
            ):
                client = APIClient()
                client.force_authenticate(reviewer)
                body = {"annotation": claim.id, "rating": rating, "confidence": "low"}
                assert client.post("/api/v1/verdicts/", body, format="json").status_code == 201
            span = Disagreement.objects.get(kind="span", annotation=narrow, other_annotation=wide)
            verdicts_before = set(Verdict.objects.values_list("pk", flat=True))
            e = desk.editors
            calls = [
                Call("merge", e[0], "post", f"/api/v1/disagreements/{span.id}/merge/", {"keep": narrow.id}),
                Call("merge", e[1], "post", f"/api/v1/disagreements/{span.id}/merge/", {"keep": wide.id}),
                Call("merge", e[2], "post", f"/api/v1/disagreements/{span.id}/merge/", {"keep": narrow.id}),
                Call("merge", e[3], "post", f"/api/v1/disagreements/{span.id}/merge/", {"keep": wide.id}),
                Call("keep-both", e[4], "post", f"/api/v1/disagreements/{span.id}/keep-both/", {}),
                Call(
                    "adjudicate",
                    e[5],
                    "post",
                    "/api/v1/adjudications/",
                    {"annotation": narrow.id, "rating": "mixed", "rationale": "Settled."},
                ),
                Call(
                    "adjudicate",
                    e[6],
                    "post",
                    "/api/v1/adjudications/",
                    {"annotation": wide.id, "rating": "false", "rationale": "Settled."},
                ),
                Call(
                    "submit",
                    r4,
                    "post",
                    "/api/v1/verdicts/",
                    {"annotation": wide.id, "rating": "mostly_true", "confidence": "high"},
                ),
            ]
            answers = at_once(pool, calls, tally)
            codes = [code for code, _ in answers]
            assert all(code in (200, 201, 409) for code in codes), codes
            resolutions = [call.operation for call, code in zip(calls, codes, strict=True) if code == 200]
            assert len(resolutions) == 1, codes
            settled[resolutions[0]] += 1
            span.refresh_from_db()
            assert span.status == "resolved"
            narrow.refresh_from_db()
            wide.refresh_from_db()
            merged = [claim for claim in (narrow, wide) if claim.merged_into_id]
            if resolutions[0] == "merge":
                (gone,) = merged
                kept = wide if gone is narrow else narrow
                assert gone.merged_into_id == kept.pk
                result = answers[codes.index(200)][1]
                assert set(result["moved_verdicts"]) == set(
                    Verdict.objects.filter(annotation=kept, pk__in=result["moved_verdicts"]).values_list(
                        "pk", flat=True
                    )
                )
                assert set(result["left_verdicts"]) == set(gone.verdicts.values_list("pk", flat=True))
                assert len(history_of("annotation", gone.pk).filter(after__merged_into=kept.pk)) == 1
            else:
                assert not merged
            # Nothing lost, nothing doubled: the verdicts are those before, plus the new one if it got in.
            new_verdict = codes[7] == 201
            after = set(Verdict.objects.values_list("pk", flat=True))
            assert after >= verdicts_before
            assert len(after - verdicts_before) == int(new_verdict)
            assert (
                Verdict.objects.values("annotation", "reviewer").distinct().count() == Verdict.objects.count()
            )
            for call, code in zip(calls[5:7], codes[5:7], strict=True):
                claim = Annotation.objects.get(pk=call.body["annotation"])
                adjudications = Adjudication.objects.filter(annotation=claim)
                assert adjudications.count() == (1 if code == 201 else 0)
                for adjudication in adjudications:
                    assert history_of("adjudication", adjudication.pk).filter(action="create").count() == 1
            assert_statuses_are_derived([disputed, narrow, wide])
    assert tally.codes["adjudicate", 201] >= rounds
    assert sum(settled.values()) == rounds
    print(
        "\n"
        + tally.report("adjudications and merges")
        + f"\n  span disagreements settled by: {dict(settled)}"
    )


def highlight(article, user, quote: str) -> Call:
    start = article.current_revision.text.index(quote)
    body = {"article": article.id, "start": start, "end": start + len(quote), "quote": quote}
    return Call("highlight", user, "post", "/api/v1/annotations/", body)


def test_deleting_highlighting_merging_and_judging_overlapping_claims_at_once_never_fails():
    """Per round, on two overlapping claims of one article: a deletion, merges either way, keep-both,
    two new overlapping highlights, a verdict and an adjudication, all at once. None deadlocks or
    fails (no 5xx: a deletion and a merge lock the claims in one order, and the article's lock
    leaves its key free for the merge's commit); each accepted write is in history, and every
    disagreement left open joins two live claims that overlap."""
    rounds = 6
    desk = desk_with(reviewers=2, editors=5, required_verdicts=2)
    tally = Tally()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for round_ in range(rounds):
            article = make_article(desk, text=f"In round {round_} the harbour froze for ten days in March.")
            narrow = make_annotation(desk, article=article, quote="ten days")
            wide = make_annotation(desk, article=article, quote="ten days in March", author=desk.editor)
            span = Disagreement.objects.get(kind="span", annotation=narrow, other_annotation=wide)
            e = desk.editors

            calls = [
                Call("delete", e[0], "delete", f"/api/v1/annotations/{wide.id}/"),
                Call("merge", e[1], "post", f"/api/v1/disagreements/{span.id}/merge/", {"keep": narrow.id}),
                Call("merge", e[2], "post", f"/api/v1/disagreements/{span.id}/merge/", {"keep": wide.id}),
                Call("keep-both", e[3], "post", f"/api/v1/disagreements/{span.id}/keep-both/", {}),
                highlight(article, desk.reviewers[0], "froze for ten"),
                highlight(article, desk.annotator, "days in March."),
                Call(
                    "submit",
                    desk.reviewers[1],
                    "post",
                    "/api/v1/verdicts/",
                    {"annotation": narrow.id, "rating": "true", "confidence": "high"},
                ),
                Call(
                    "adjudicate",
                    e[4],
                    "post",
                    "/api/v1/adjudications/",
                    {"annotation": wide.id, "rating": "false", "rationale": "Settled."},
                ),
            ]
            answers = at_once(pool, calls, tally)
            for call, (code, body) in zip(calls, answers, strict=True):
                assert code in (200, 201, 204, 404, 409), (call.operation, code, body)
                if call.operation == "highlight" and code == 201:
                    assert history_of("annotation", body["id"]).filter(action="create").count() == 1
                if call.operation == "submit" and code == 201:
                    assert history_of("verdict", body["id"]).filter(action="create").count() == 1
                if call.operation == "adjudicate" and code == 201:
                    assert history_of("adjudication", body["id"]).filter(action="create").count() == 1
            deleted = answers[0][0] == 204
            assert Annotation.objects.filter(pk=wide.pk).exists() != deleted
            if deleted:
                assert history_of("annotation", wide.pk).filter(action="delete").count() == 1
            merges = [
                body
                for call, (code, body) in zip(calls, answers, strict=True)
                if call.operation == "merge" and code == 200
            ]
            for merge in merges:
                entries = history_of("annotation", merge["merged"]).filter(after__merged_into=merge["kept"])
                assert entries.count() == 1 or not Annotation.objects.filter(pk=merge["merged"]).exists()
            claims = list(Annotation.objects.filter(article=article))
            for disagreement in Disagreement.objects.filter(
                kind="span", status="open", annotation__in=claims
            ):
                first, second = disagreement.annotation, disagreement.other_annotation
                assert first.merged_into_id is None and second.merged_into_id is None
                assert first.start < second.end and second.start < first.end
            assert (
                Verdict.objects.values("annotation", "reviewer").distinct().count() == Verdict.objects.count()
            )
            assert_statuses_are_derived(claims)
    print("\n" + tally.report("deletions, highlights, merges and judgements of overlapping claims"))


def test_a_highlight_racing_a_merge_never_opens_a_disagreement_with_the_claim_merged_away():
    """Each round, eight clients: merges of two overlapping claims either way, and new highlights
    overlapping them. A highlight that comes after the merge overlaps only the kept claim; one that
    came before had its disagreement with the merged claim closed by the merge: no open span
    disagreement ever names a merged claim, and nothing fails."""
    rounds = 8
    desk = desk_with(reviewers=4, editors=4, required_verdicts=2)
    tally = Tally()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for round_ in range(rounds):
            article = make_article(desk, text=f"In round {round_} the harbour froze for ten days in March.")
            narrow = make_annotation(desk, article=article, quote="ten days")
            wide = make_annotation(desk, article=article, quote="ten days in March", author=desk.editor)
            span = Disagreement.objects.get(kind="span", annotation=narrow, other_annotation=wide)
            path = f"/api/v1/disagreements/{span.id}/merge/"
            calls = [
                Call("merge", desk.editors[0], "post", path, {"keep": wide.id}),
                Call("merge", desk.editors[1], "post", path, {"keep": narrow.id}),
                *(
                    highlight(article, reviewer, quote)
                    for reviewer, quote in zip(
                        desk.reviewers,
                        ("froze for ten", "for ten", "days in", "froze for ten days"),
                        strict=True,
                    )
                ),
                highlight(article, desk.annotator, "harbour froze for ten"),
                highlight(article, desk.editors[2], "ten days in March."),
            ]
            codes = [code for code, _ in at_once(pool, calls, tally)]
            assert sorted(codes[:2]) == [200, 409]
            merged = Annotation.objects.filter(article=article, merged_into__isnull=False)
            assert merged.count() == 1
            assert not Disagreement.objects.filter(
                Q(annotation__in=merged) | Q(other_annotation__in=merged), status="open"
            ).exists()
            assert_statuses_are_derived(Annotation.objects.filter(article=article))
    print("\n" + tally.report("highlights racing merges"))


def test_changing_the_required_verdicts_while_reviewers_submit_never_deadlocks():
    """An admin changes how many verdicts a claim needs while seven reviewers submit verdicts with
    evidence: every request succeeds (the project's lock leaves its key free for the verdicts'
    commits, and the claims are locked in id order), and every status derives from the new number."""
    rounds = 4
    tally = Tally()
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        for round_ in range(rounds):
            desk = desk_with(reviewers=CLIENTS - 1, required_verdicts=3)
            words = ("One", "Two", "Three", "Four", "Five", "Six", "Seven")
            article = make_article(desk, text=" ".join(f"{word}." for word in words))
            claims = [make_annotation(desk, article=article, quote=word) for word in words]
            sources = [{"url": f"https://example.org/{round_}/{n}", "stance": "supports"} for n in range(30)]
            calls = [
                Call(
                    "settings",
                    desk.admin,
                    "patch",
                    f"/api/v1/projects/{desk.project.id}/",
                    {"required_verdicts": 1 + round_ % 2},
                ),
                *(
                    Call(
                        "submit",
                        reviewer,
                        "post",
                        "/api/v1/verdicts/",
                        {"annotation": claim.id, "rating": "true", "confidence": "high", "evidence": sources},
                    )
                    for reviewer, claim in zip(desk.reviewers, reversed(claims), strict=True)
                ),
            ]
            assert [code for code, _ in at_once(pool, calls, tally)] == [200] + [201] * (CLIENTS - 1)
            assert_statuses_are_derived(claims)
    print("\n" + tally.report("project settings changed while verdicts come in"))
