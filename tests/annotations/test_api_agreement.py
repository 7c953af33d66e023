"""GET /api/v1/agreement/: figures against hand-computed values, blind review, permissions, bad input.

The statistics themselves are checked against published examples in test_agreement.py; here a small
desk is built through the services and its figures are worked out by hand below.
"""

import io
from dataclasses import dataclass

import pytest
import yaml
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from annotations.models import Annotation, Project, Role
from annotations.selectors import annotations_visible_to
from annotations.services.projects import add_member
from annotations.services.review import adjudicate
from tests.factories import Desk, make_annotation, make_article, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

URL = "/api/v1/agreement/"

TEXT_1 = (
    "Exports grew 12% last year. Unemployment fell to 3.1%. "
    "The new bridge cost 40 million euros. Crime doubled since 2020."
)
TEXT_2 = "The mayor said 1,200 homes were flooded."


@dataclass
class Claims:
    """The hand-computed desk: reviewers ana, ben and cy; annotators ann and bo.

    claim  ana          ben    cy            status, final rating
    c1     true         true   true          agreed, true
    c2     false        false  mostly_false  disputed
    c3     true         false  -             resolved, false
    c4     misleading   -      misleading    agreed, misleading
    c5     -            true   -             needs review (one verdict; article 2)

    Spans: ann marked c1-c4 on article 1, bo marked c5 on article 2 and c6 (no verdict) on
    article 1, overlapping c2 without being identical. c1 and c2 are tagged "economy"; c4, c5 and
    c6 were created after ``cut``.
    """

    desk: Desk
    article_1: object
    article_2: object
    ana: object
    ben: object
    cy: object
    c1: Annotation
    c2: Annotation
    c3: Annotation
    c4: Annotation
    c5: Annotation
    cut: object


def join(desk, username, role):
    user = make_user(username=username)
    add_member(actor=desk.admin, project_id=desk.project.id, username=username, role=role)
    return user


@pytest.fixture
def claims():
    desk = make_desk(reviewers=0)
    ana, ben, cy = (join(desk, name, Role.REVIEWER) for name in ("ana", "ben", "cy"))
    ann, bo = join(desk, "ann", Role.ANNOTATOR), join(desk, "bo", Role.ANNOTATOR)
    article_1 = make_article(desk, text=TEXT_1)
    article_2 = make_article(desk, text=TEXT_2)

    def claim(quote, author, article=article_1, **fields):
        return make_annotation(desk, article=article, quote=quote, author=author, **fields)

    def judge(annotation, **ratings):
        for reviewer, rating in ratings.items():
            make_verdict(
                desk,
                annotation=annotation,
                reviewer={"ana": ana, "ben": ben, "cy": cy}[reviewer],
                rating=rating,
            )

    c1 = claim("Exports grew 12% last year.", ann, tags=["economy"])
    c2 = claim("Unemployment fell to 3.1%.", ann, tags=["economy"])
    c3 = claim("The new bridge cost 40 million euros.", ann)
    cut = timezone.now()
    c4 = claim("Crime doubled since 2020.", ann)
    c5 = claim("1,200 homes were flooded", bo, article=article_2)
    claim("Unemployment fell", bo)
    judge(c1, ana="true", ben="true", cy="true")
    judge(c2, ana="false", ben="false", cy="mostly_false")
    judge(c3, ana="true", ben="false")
    judge(c4, ana="misleading", cy="misleading")
    judge(c5, ben="true")
    adjudicate(
        editor=desk.editor, annotation_id=c3.pk, rating="false", rationale="The budget says 52 million."
    )
    return Claims(desk, article_1, article_2, ana, ben, cy, c1, c2, c3, c4, c5, cut)


def basis(detail):
    """What a figure rests on: (n_claims, n_verdicts, n_pairable, reason)."""
    return detail["n_claims"], detail["n_verdicts"], detail["n_pairable"], detail["reason"]


def get(api_client, user, **params):
    api_client.force_authenticate(user)
    return api_client.get(URL, params)


def figures(body):
    return {
        "percent_agreement": body["percent_agreement"],
        "fleiss_kappa": body["fleiss_kappa"],
        **{f"alpha_{level}": value for level, value in body["krippendorff_alpha"].items()},
    }


def test_project_figures_equal_the_hand_computed_ones(api_client, claims):
    response = get(api_client, claims.desk.editor, project=claims.desk.project.id)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["visibility"] == "all_claims"
    assert (body["n_claims"], body["n_verdicts"], body["n_reviewers"]) == (5, 11, 3)
    # Claims with two or more verdicts: c1..c4, 10 verdicts. P_i = 1, 1/3, 0, 1, so P-bar = 7/12.
    # Shares among those verdicts: true 4, false 3, mostly_false 1, misleading 2 of 10, so
    # P_e = .16 + .09 + .01 + .04 = .3 and kappa = (7/12 - 3/10) / (7/10) = 17/42.
    # Nominal alpha: the coincidence matrix has 4 off-diagonal units among n = 10 values with
    # marginals 4, 3, 1, 2: alpha = 1 - 9 * 4 / (100 - 30) = 17/35.
    # Ordinal and interval use c1..c3 only (misleading is off the scale): values 5,5,5 | 1,1,2 | 5,1,
    # n = 8, marginals n_1 = 3, n_2 = 1, n_5 = 4. Interval: D_o sum 1 + 1 + 16 + 16 = 34,
    # D_e sum 2 (3*1*1 + 3*4*16 + 1*4*9) = 462, alpha = 1 - 7 * 34 / 462 = 16/33. Ordinal:
    # delta(1,2) = (4 - 2)^2 = 4, delta(1,5) = (8 - 3.5)^2 = 20.25, delta(2,5) = (5 - 2.5)^2 = 6.25,
    # D_o sum 2*4 + 2*20.25 = 48.5, D_e sum 2 (3*1*4 + 3*4*20.25 + 1*4*6.25) = 560,
    # alpha = 1 - 7 * 48.5 / 560 = 0.39375.
    assert figures(body) == pytest.approx(
        {
            "percent_agreement": 7 / 12,
            "fleiss_kappa": 17 / 42,
            "alpha_nominal": 17 / 35,
            "alpha_ordinal": 0.39375,
            "alpha_interval": 16 / 33,
        }
    )
    assert basis(body["percent_agreement_detail"]) == (4, 10, 10, None)
    assert basis(body["fleiss_kappa_detail"]) == (4, 10, 10, None)
    assert {level: basis(detail) for level, detail in body["krippendorff_alpha_detail"].items()} == {
        "nominal": (4, 10, 10, None),
        "ordinal": (3, 8, 8, None),
        "interval": (3, 8, 8, None),
    }
    # Percent agreement is defined on every resample of the four claims; P_i = 1 on half of them,
    # so the 1/16 of the resamples drawing those two only put the upper bound at 1.
    interval = body["percent_agreement_detail"]["interval"]
    assert (interval["confidence"], interval["n_resamples"], interval["reason"]) == (0.95, 1000, None)
    assert 0 <= interval["low"] < 7 / 12 < interval["high"] == 1.0
    # On four claims (three at the ordinal and interval levels) some resamples hold one rating only,
    # where kappa and alpha are undefined: the figures stand, their intervals do not.
    for detail in (body["fleiss_kappa_detail"], *body["krippendorff_alpha_detail"].values()):
        assert (detail["interval"]["low"], detail["interval"]["high"]) == (None, None)
        assert "too few claims with differing ratings" in detail["interval"]["reason"]


def test_pairs_carry_cohen_kappa_percent_agreement_and_confusion(api_client, claims):
    body = get(api_client, claims.desk.editor, project=claims.desk.project.id).json()
    pairs = {(pair["a"], pair["b"]): pair for pair in body["pairs"]}
    assert list(pairs) == [("ana", "ben"), ("ana", "cy"), ("ben", "cy")]
    # ana-ben share c1 (t,t), c2 (f,f), c3 (t,f): agree 2 of 3; chance = t 2*1 + f 1*2 = 4,
    # kappa = (3*2 - 4) / (9 - 4) = 2/5.
    # ana-cy share c1 (t,t), c2 (f,mf), c4 (m,m): chance = t 1*1 + m 1*1 = 2, kappa = (6 - 2) / (9 - 2).
    # ben-cy share c1 (t,t), c2 (f,mf): chance = 1, kappa = (2 - 1) / (4 - 1).
    expected = {
        ("ana", "ben"): (3, 2 / 5, 2 / 3),
        ("ana", "cy"): (3, 4 / 7, 2 / 3),
        ("ben", "cy"): (2, 1 / 3, 1 / 2),
    }
    for key, (n, kappa, percent) in expected.items():
        pair = pairs[key]
        assert pair["n"] == n
        assert pair["cohen_kappa"] == pytest.approx(kappa)
        assert pair["percent_agreement"] == pytest.approx(percent)
        assert basis(pair["cohen_kappa_detail"]) == (n, 2 * n, 2 * n, None)
        assert basis(pair["percent_agreement_detail"]) == (n, 2 * n, 2 * n, None)
    assert pairs["ana", "ben"]["confusion"] == {"true": {"true": 1, "false": 1}, "false": {"false": 1}}
    assert pairs["ana", "cy"]["confusion"] == {
        "true": {"true": 1},
        "false": {"mostly_false": 1},
        "misleading": {"misleading": 1},
    }


def test_reviewers_agreement_with_the_final_rating(api_client, claims):
    body = get(api_client, claims.desk.editor, project=claims.desk.project.id).json()
    rows = {row["reviewer"]: row for row in body["reviewers"]}
    assert list(rows) == ["ana", "ben", "cy"]
    # Final ratings: c1 true (agreed), c3 false (resolved), c4 misleading (agreed).
    assert rows["ana"]["n_verdicts"] == 4
    assert rows["ana"]["agreement_with_final"] == pytest.approx(2 / 3)
    assert rows["ana"]["agreement_with_final_detail"] == {"n_claims": 3, "n_verdicts": 3, "reason": None}
    assert (rows["ben"]["n_verdicts"], rows["ben"]["agreement_with_final"]) == (4, 1.0)
    assert rows["ben"]["agreement_with_final_detail"]["n_claims"] == 2
    assert (rows["cy"]["n_verdicts"], rows["cy"]["agreement_with_final"]) == (3, 1.0)


def test_span_agreement_compares_the_authors_on_revisions_both_marked(api_client, claims):
    spans = get(api_client, claims.desk.editor, project=claims.desk.project.id).json()["spans"]
    # On article 1 ann marked 4 spans and bo 1, overlapping ann's second; bo's span on article 2 is
    # left out because ann marked nothing there. Exact: 0; overlap: 2 * 1 / (4 + 1).
    [pair] = spans["pairs"]
    assert (pair["a"], pair["b"]) == ("ann", "bo")
    assert pair["exact"] == 0.0
    assert pair["overlap"] == pytest.approx(0.4)
    assert pair["overlap_detail"] == {"n_a": 4, "n_b": 1, "matched": 1, "reason": None}
    assert (spans["exact"], spans["overlap"]) == (0.0, pytest.approx(0.4))


def test_article_scope(api_client, claims):
    body = get(api_client, claims.desk.editor, article=claims.article_2.id).json()
    assert body["scope"]["project"] == claims.desk.project.id
    assert body["scope"]["article"] == claims.article_2.id
    assert (body["n_claims"], body["n_verdicts"]) == (1, 1)
    assert body["percent_agreement"] is None
    assert body["percent_agreement_detail"]["reason"] == "No claim has two or more verdicts."
    assert body["pairs"] == []
    assert body["spans"]["overlap"] is None
    assert body["spans"]["overlap_detail"]["reason"]


def test_reviewer_filter_keeps_the_claims_they_judged_with_every_verdict(api_client, claims):
    body = get(api_client, claims.desk.editor, project=claims.desk.project.id, reviewer="cy").json()
    # c1, c2, c4: P_i = 1, 1/3, 1.
    assert (body["n_claims"], body["n_verdicts"]) == (3, 8)
    assert body["percent_agreement"] == pytest.approx(7 / 9)
    assert body["scope"]["reviewer"] == "cy"


def test_tag_and_created_range_filters(api_client, claims):
    project = claims.desk.project.id
    tagged = get(api_client, claims.desk.editor, project=project, tag="economy").json()
    assert (tagged["n_claims"], tagged["n_verdicts"]) == (2, 6)
    assert tagged["percent_agreement"] == pytest.approx((1 + 1 / 3) / 2)
    # Only ann's c1 and c2 remain among the spans, so there is no second author to compare.
    assert tagged["spans"]["pairs"] == []

    cut = claims.cut.isoformat()
    later = get(api_client, claims.desk.editor, project=project, created_after=cut).json()
    assert (later["n_claims"], later["n_verdicts"]) == (2, 3)  # c4 and c5
    earlier = get(api_client, claims.desk.editor, project=project, created_before=cut).json()
    assert (earlier["n_claims"], earlier["n_verdicts"]) == (3, 8)  # c1, c2, c3


def test_a_reviewer_gets_aggregate_figures_over_the_claims_they_judged_only(api_client, claims):
    body = get(api_client, claims.cy, project=claims.desk.project.id).json()
    assert body["visibility"] == "judged_claims"
    # cy judged c1, c2 and c4: exactly the claims blind review reveals to cy.
    revealed = set(
        annotations_visible_to(claims.cy)
        .filter(revealed=True, verdicts__isnull=False)
        .values_list("pk", flat=True)
    )
    assert revealed == {claims.c1.pk, claims.c2.pk, claims.c4.pk}
    assert (body["n_claims"], body["n_verdicts"]) == (3, 8)
    assert body["percent_agreement"] == pytest.approx(7 / 9)
    assert body["pairs"] == body["reviewers"] == body["spans"]["pairs"] == []
    assert body["spans"]["overlap"] == pytest.approx(0.4)


def test_a_reviewer_cannot_read_ratings_of_a_claim_they_have_not_judged(api_client):
    desk = make_desk(reviewers=3)
    claim = make_annotation(desk)
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    for outsider_to_the_claim in (desk.reviewers[2], desk.annotator):
        body = get(api_client, outsider_to_the_claim, project=desk.project.id).json()
        assert body["visibility"] == "judged_claims"
        assert (body["n_claims"], body["n_verdicts"]) == (0, 0)
        assert body["percent_agreement"] is None
        assert body["fleiss_kappa"] is None
        assert set(body["krippendorff_alpha"].values()) == {None}
        assert "you have judged none" in body["percent_agreement_detail"]["reason"]
        interval = body["percent_agreement_detail"]["interval"]
        assert (interval["low"], interval["high"]) == (None, None)
        assert "you have judged none" in interval["reason"]
        assert body["krippendorff_alpha_detail"]["nominal"]["n_pairable"] == 0
        assert body["pairs"] == body["reviewers"] == []
    judged = get(api_client, desk.reviewers[0], project=desk.project.id).json()
    assert (judged["n_claims"], judged["percent_agreement"]) == (1, 0.0)
    editor = get(api_client, desk.editor, project=desk.project.id).json()
    assert (editor["n_claims"], editor["percent_agreement"], len(editor["pairs"])) == (1, 0.0, 1)


def test_admins_see_everything_like_editors(api_client, claims):
    admin = get(api_client, claims.desk.admin, project=claims.desk.project.id).json()
    editor = get(api_client, claims.desk.editor, project=claims.desk.project.id).json()
    assert admin == editor
    assert admin["visibility"] == "all_claims"


def test_figures_that_cannot_be_computed_are_null_with_a_reason(api_client):
    desk = make_desk()
    body = get(api_client, desk.editor, project=desk.project.id).json()
    assert (body["n_claims"], body["n_verdicts"]) == (0, 0)
    for name in ("percent_agreement", "fleiss_kappa"):
        assert body[name] is None
        assert body[f"{name}_detail"]["reason"]
    for level in ("nominal", "ordinal", "interval"):
        assert body["krippendorff_alpha"][level] is None
        assert body["krippendorff_alpha_detail"][level]["reason"]
    assert body["spans"]["exact"] is None

    for quote in ("The river rose", "The mayor said"):
        claim = make_annotation(desk, quote=quote)
        for reviewer in desk.reviewers:
            make_verdict(desk, annotation=claim, reviewer=reviewer, rating="unverifiable")
    body = get(api_client, desk.editor, project=desk.project.id).json()
    assert body["percent_agreement"] == 1.0
    assert body["fleiss_kappa"] is None
    assert "one rating" in body["fleiss_kappa_detail"]["reason"]
    assert body["krippendorff_alpha"] == {"nominal": None, "ordinal": None, "interval": None}
    assert "truth-scale" in body["krippendorff_alpha_detail"]["ordinal"]["reason"]
    [pair] = body["pairs"]
    assert (pair["percent_agreement"], pair["cohen_kappa"]) == (1.0, None)
    assert pair["cohen_kappa_detail"]["reason"]


# Claims judged by ana and ben, as (ana's rating, ben's rating, how many claims): 24, 17 agreed.
SPREAD = [
    ("true", "true", 8),
    ("false", "false", 6),
    ("mixed", "mostly_true", 4),
    ("true", "false", 3),
    ("misleading", "misleading", 3),
]


def make_spread_desk() -> Desk:
    """24 claims, each judged by ana and ben, who agree on 17 of them."""
    desk = make_desk(reviewers=0)
    ana, ben = join(desk, "ana", Role.REVIEWER), join(desk, "ben", Role.REVIEWER)
    count = sum(n for *_, n in SPREAD)
    article = make_article(desk, text=" ".join(f"Claim {i} is checkable." for i in range(count)))
    ratings = [(a, b) for a, b, n in SPREAD for _ in range(n)]
    for i, (a, b) in enumerate(ratings):
        claim = make_annotation(desk, article=article, quote=f"Claim {i} is")
        make_verdict(desk, annotation=claim, reviewer=ana, rating=a)
        make_verdict(desk, annotation=claim, reviewer=ben, rating=b)
    return desk


@pytest.fixture
def spread():
    return make_spread_desk()


def test_every_figure_carries_a_seeded_95_percent_interval_and_its_pairable_values(api_client, spread):
    """Each kappa, alpha and percent agreement, the pair's too, comes with a 95 % bootstrap interval
    around it and its pairable values; asking again gives the very same intervals."""
    body = get(api_client, spread.editor, project=spread.project.id).json()
    [pair] = body["pairs"]
    details = {
        "percent_agreement": (body["percent_agreement"], body["percent_agreement_detail"]),
        "fleiss_kappa": (body["fleiss_kappa"], body["fleiss_kappa_detail"]),
        **{
            f"alpha_{level}": (body["krippendorff_alpha"][level], body["krippendorff_alpha_detail"][level])
            for level in ("nominal", "ordinal", "interval")
        },
        "cohen_kappa": (pair["cohen_kappa"], pair["cohen_kappa_detail"]),
        "pair_percent_agreement": (pair["percent_agreement"], pair["percent_agreement_detail"]),
    }
    assert body["percent_agreement"] == pytest.approx(17 / 24)
    for name, (value, detail) in details.items():
        interval = detail["interval"]
        assert interval["reason"] is None, name
        assert (interval["confidence"], interval["n_resamples"]) == (0.95, 1000), name
        assert interval["low"] < value < interval["high"] <= 1.0, name
    # 24 claims with two verdicts each; the truth-scale levels leave out the three misleading ones.
    assert details["fleiss_kappa"][1]["n_pairable"] == details["cohen_kappa"][1]["n_pairable"] == 48
    assert details["alpha_ordinal"][1]["n_pairable"] == 42

    again = get(api_client, spread.editor, project=spread.project.id).json()
    assert again == body


def test_outsiders_get_404_and_anonymous_callers_401(api_client, claims):
    outsider = make_user()
    assert get(api_client, outsider, project=claims.desk.project.id).status_code == 404
    assert get(api_client, outsider, article=claims.article_1.id).status_code == 404
    assert get(api_client, claims.desk.editor, project=999_999).status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(URL, {"project": claims.desk.project.id}).status_code == 401


THIS_PROJECT = object()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "project"),
        ({"reviewer": "ana"}, "project"),
        ({"project": "first"}, "project"),
        ({"project": "0"}, "project"),
        ({"project": str(2**70)}, "project"),
        ({"article": "1.5"}, "article"),
        ({"project": THIS_PROJECT, "reviewer": "nobody"}, "reviewer"),
        ({"project": THIS_PROJECT, "reviewer": "r" * 151}, "reviewer"),
        ({"project": THIS_PROJECT, "reviewer": "stranger"}, "reviewer"),
        ({"project": THIS_PROJECT, "created_after": "yesterday"}, "created_after"),
        ({"project": THIS_PROJECT, "created_before": "2024-13-01"}, "created_before"),
        (
            {"project": THIS_PROJECT, "created_after": "2025-02-01", "created_before": "2025-01-01"},
            "created_before",
        ),
        ({"project": THIS_PROJECT, "tag": "no-such-tag"}, "tag"),
        ({"project": THIS_PROJECT, "tag": "x" * 65}, "tag"),
        ({"project": THIS_PROJECT, "tag": "a\x00b"}, "tag"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api_client, claims, params, field):
    make_user(username="stranger")
    if params.get("project") is THIS_PROJECT:
        params = params | {"project": claims.desk.project.id}
    response = get(api_client, claims.desk.editor, **params)
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_an_article_of_another_project_than_the_one_given_is_400(api_client, claims):
    other = make_desk()
    add_member(
        actor=other.admin, project_id=other.project.id, username=claims.desk.editor.username, role=Role.EDITOR
    )
    response = get(api_client, claims.desk.editor, project=other.project.id, article=claims.article_1.id)
    assert response.status_code == 400
    assert "article" in response.json()


def claims_with_verdicts(desk, count):
    text = " ".join(f"Claim {i} is checkable." for i in range(count))
    article = make_article(desk, text=text)
    for i in range(count):
        claim = make_annotation(desk, article=article, quote=f"Claim {i} is")
        make_verdict(desk, annotation=claim, reviewer=desk.reviewers[0], rating="true")
        make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating=("true", "false")[i % 2])
    return article


@pytest.mark.parametrize("count", [2, 12])
def test_query_count_is_flat_whatever_the_number_of_claims(api_client, django_assert_max_num_queries, count):
    desk = make_desk()
    article = claims_with_verdicts(desk, count)
    api_client.force_authenticate(desk.editor)
    with django_assert_max_num_queries(3):
        response = api_client.get(URL, {"project": desk.project.id})
    assert response.json()["n_verdicts"] == 2 * count
    everything = {
        "article": article.id,
        "reviewer": desk.reviewers[0].username,
        "created_after": "2000-01-01",
    }
    with django_assert_max_num_queries(6):
        assert api_client.get(URL, everything).status_code == 200
    api_client.force_authenticate(desk.reviewers[1])
    with django_assert_max_num_queries(3):
        assert api_client.get(URL, {"project": desk.project.id}).json()["n_claims"] == count


def test_the_demo_desk_has_figures(api_client):
    call_command("load_demo", stdout=io.StringIO())
    project = Project.objects.get(name="Demo desk")
    editor = project.memberships.get(role=Role.EDITOR).user
    body = get(api_client, editor, project=project.id).json()
    assert body["n_claims"] >= 4
    assert body["percent_agreement"] is not None
    assert body["fleiss_kappa"] is not None
    assert None not in body["krippendorff_alpha"].values()
    assert all(pair["cohen_kappa"] is not None for pair in body["pairs"])


def test_the_schema_documents_parameters_figures_and_the_blind_review_rule():
    schema = yaml.safe_load(Client().get("/api/schema/").content)
    operation = schema["paths"]["/api/v1/agreement/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} == {
        "project",
        "article",
        "reviewer",
        "created_after",
        "created_before",
        "tag",
    }
    for words in ("Missing verdicts are normal", "Gwet 2014", "Fleiss 1971", "Blind review", "null"):
        assert words in operation["description"]
    shape = schema["components"]["schemas"]["Agreement"]["properties"]
    assert shape["fleiss_kappa"]["type"] == "number"
    assert shape["fleiss_kappa"]["nullable"] is True
    assert {"nominal", "ordinal", "interval"} <= set(
        schema["components"]["schemas"]["KrippendorffAlpha"]["properties"]
    )
    for words in ("95 % percentile bootstrap confidence interval", "seeded", "n_pairable", "at least two"):
        assert words in operation["description"]
    components = schema["components"]["schemas"]
    detail = components["AgreementStatisticDetail"]["properties"]
    assert {"n_claims", "n_verdicts", "reason", "n_pairable", "interval"} <= set(detail)
    assert detail["n_pairable"]["type"] == "integer"
    interval = components["ConfidenceInterval"]["properties"]
    for bound in ("low", "high", "reason"):
        assert interval[bound]["nullable"] is True
    for figure in ("percent_agreement_detail", "fleiss_kappa_detail"):
        assert shape[figure] == {"$ref": "#/components/schemas/AgreementStatisticDetail"}
    pair = components["AgreementPair"]["properties"]
    assert pair["cohen_kappa_detail"] == {"$ref": "#/components/schemas/AgreementStatisticDetail"}
