"""One table walks every endpoint and method with each role, an outsider and an anonymous caller.

The world: a desk (admin, editor, two reviewers, an annotator) with an article, a claim the
annotator highlighted and reviewer 1 judged, and a second claim nobody judged yet. The outsider is
the admin of another desk. Each row says what every caller gets; a refused write changes nothing.
"""

from dataclasses import dataclass

import pytest

from annotations.models import (
    Adjudication,
    Annotation,
    Article,
    Disagreement,
    HistoryEntry,
    Membership,
    Project,
    Verdict,
)
from annotations.services.review import adjudicate
from sources.models import Domain, Source
from sources.services import set_domain_reliability
from tests.conftest import built_for_the_module
from tests.factories import make_annotation, make_article, make_desk, make_verdict

pytestmark = pytest.mark.django_db

CALLERS = ["annotator", "reviewer", "editor", "admin", "outsider", "anonymous"]


@dataclass
class World:
    desk: object
    outsider: object
    article: Article
    judged: Annotation
    fresh: Annotation
    verdict: Verdict
    resolved: Annotation

    def ids(self):
        return {
            "project": self.desk.project.id,
            "article": self.article.id,
            "judged": self.judged.id,
            "fresh": self.fresh.id,
            "verdict": self.verdict.id,
            "evidence": self.verdict.evidence.get().id,
            "history": HistoryEntry.objects.filter(object_type="annotation").earliest("id").id,
            "source": Source.objects.get().id,
            "disagreement": Disagreement.objects.get(kind="span").id,
            "resolved": self.resolved.id,
            "adjudication": Adjudication.objects.get().id,
            "domain": Domain.objects.get().id,
            "editor": self.desk.editor.username,
            "admin": self.desk.admin.username,
        }

    def caller(self, name):
        return {
            "annotator": self.desk.annotator,
            "reviewer": self.desk.reviewers[0],
            "editor": self.desk.editor,
            "admin": self.desk.admin,
            "outsider": self.outsider,
            "anonymous": None,
        }[name]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once per module (and test worker): building it was 0.2 s of each of the table's
    400 tests."""
    with built_for_the_module(django_db_blocker):
        yield build_world()


def build_world():
    desk = make_desk()
    outsider = make_desk().admin
    article = make_article(
        desk, text="The river rose 3.2 metres overnight.\n\nThe mayor said 1,200 homes were flooded."
    )
    judged = make_annotation(desk, article=article, quote="The river rose 3.2 metres")
    fresh = make_annotation(desk, article=article, quote="1,200 homes")
    verdict = make_verdict(
        desk,
        annotation=judged,
        reviewer=desk.reviewers[0],
        evidence=[{"url": "https://e.org/a", "stance": "refutes"}],
    )
    set_domain_reliability(project=desk.project, domain="e.org", reliability="medium")
    # Another person's cut of the judged claim: a span disagreement.
    make_annotation(desk, article=article, quote="river rose 3.2 metres overnight", author=desk.editor)
    resolved = make_annotation(desk, article=article, quote="The mayor said")
    adjudicate(editor=desk.editor, annotation_id=resolved.id, rating="mixed", rationale="Settled.")
    return World(
        desk=desk,
        outsider=outsider,
        article=article,
        judged=judged,
        fresh=fresh,
        verdict=verdict,
        resolved=resolved,
    )


def snapshot():
    return (
        Project.objects.count(),
        sorted(Project.objects.values_list("name", "required_verdicts")),
        sorted(Membership.objects.values_list("user_id", "role")),
        sorted(Article.objects.values_list("id", "title")),
        sorted(Annotation.objects.values_list("id", "claim", "version")),
        sorted(Verdict.objects.values_list("id", "rating", "version")),
        sorted(Source.objects.values_list("id", "title", "reliability")),
        sorted(Domain.objects.values_list("id", "domain", "reliability")),
        sorted(Disagreement.objects.values_list("id", "status")),
        sorted(Adjudication.objects.values_list("id", "rating", "superseded_at")),
        sorted(Annotation.objects.values_list("id", "status", "merged_into")),
    )


# (method, url, body, expected status per caller in CALLERS order)
# An outsider's list is 200 but empty; 'E' marks that.
TABLE = [
    ("get", "/api/v1/projects/", None, [200, 200, 200, 200, 200, 401]),
    ("post", "/api/v1/projects/", {"name": "New desk"}, [201, 201, 201, 201, 201, 401]),
    ("get", "/api/v1/projects/{project}/", None, [200, 200, 200, 200, 404, 401]),
    ("patch", "/api/v1/projects/{project}/", {"name": "Renamed"}, [403, 403, 403, 200, 404, 401]),
    ("get", "/api/v1/projects/{project}/members/", None, [200, 200, 200, 200, 404, 401]),
    (
        "post",
        "/api/v1/projects/{project}/members/",
        {"username": "{newcomer}", "role": "reviewer"},
        [403, 403, 403, 201, 404, 401],
    ),
    ("get", "/api/v1/projects/{project}/members/{editor}/", None, [200, 200, 200, 200, 404, 401]),
    (
        "patch",
        "/api/v1/projects/{project}/members/{editor}/",
        {"role": "reviewer"},
        [403, 403, 403, 200, 404, 401],
    ),
    ("delete", "/api/v1/projects/{project}/members/{editor}/", None, [403, 403, 403, 204, 404, 401]),
    ("get", "/api/v1/articles/", None, [200, 200, 200, 200, "E", 401]),
    (
        "post",
        "/api/v1/articles/",
        {"project": "{project}", "title": "T", "text": "Text."},
        [201, 201, 201, 201, 404, 401],
    ),
    (
        "post",
        "/api/v1/articles/bulk/",
        {"articles": [{"project": "{project}", "title": "T", "text": "x"}]},
        [201, 201, 201, 201, 404, 401],
    ),
    ("get", "/api/v1/articles/{article}/", None, [200, 200, 200, 200, 404, 401]),
    ("patch", "/api/v1/articles/{article}/", {"title": "Renamed"}, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/articles/{article}/revisions/", None, [200, 200, 200, 200, 404, 401]),
    ("post", "/api/v1/articles/{article}/revisions/", {"text": "New text."}, [201, 201, 201, 201, 404, 401]),
    ("get", "/api/v1/annotations/", None, [200, 200, 200, 200, "E", 401]),
    (
        "post",
        "/api/v1/annotations/",
        {"article": "{article}", "start": 4, "end": 9, "quote": "river"},
        [201, 201, 201, 201, 404, 401],
    ),
    ("get", "/api/v1/annotations/{judged}/", None, [200, 200, 200, 200, 404, 401]),
    # Once judged, the claim's words are reworded by editors only (its author gets 409).
    ("patch", "/api/v1/annotations/{judged}/", {"claim": "Changed"}, [409, 403, 200, 200, 404, 401]),
    ("delete", "/api/v1/annotations/{fresh}/", None, [204, 403, 204, 204, 404, 401]),
    ("delete", "/api/v1/annotations/{judged}/", None, [409, 403, 204, 204, 404, 401]),
    ("get", "/api/v1/verdicts/", None, [200, 200, 200, 200, "E", 401]),
    (
        "post",
        "/api/v1/verdicts/",
        {"annotation": "{fresh}", "rating": "true", "confidence": "low"},
        [403, 201, 201, 201, 404, 401],
    ),
    ("get", "/api/v1/verdicts/{verdict}/", None, [404, 200, 200, 200, 404, 401]),
    ("patch", "/api/v1/verdicts/{verdict}/", {"rating": "false"}, [404, 200, 403, 403, 404, 401]),
    ("get", "/api/v1/evidence/", None, [200, 200, 200, 200, "E", 401]),
    ("get", "/api/v1/evidence/{evidence}/", None, [404, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/history/", None, [200, 200, 200, 200, "E", 401]),
    ("get", "/api/v1/history/{history}/", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/sources/", None, [200, 200, 200, 200, "E", 401]),
    (
        "post",
        "/api/v1/sources/",
        {"project": "{project}", "url": "https://new.example.org/x"},
        [403, 201, 201, 201, 404, 401],
    ),
    # The source behind reviewer 1's evidence: blind review hides it from the annotator.
    ("get", "/api/v1/sources/{source}/", None, [404, 200, 200, 200, 404, 401]),
    ("patch", "/api/v1/sources/{source}/", {"title": "Retitled"}, [404, 200, 200, 200, 404, 401]),
    ("patch", "/api/v1/sources/{source}/", {"reliability": "low"}, [404, 403, 200, 200, 404, 401]),
    ("get", "/api/v1/domains/", None, [200, 200, 200, 200, "E", 401]),
    (
        "post",
        "/api/v1/domains/",
        {"project": "{project}", "domain": "b.org", "reliability": "low"},
        [403, 403, 201, 201, 404, 401],
    ),
    ("get", "/api/v1/domains/{domain}/", None, [200, 200, 200, 200, 404, 401]),
    ("patch", "/api/v1/domains/{domain}/", {"reliability": "high"}, [403, 403, 200, 200, 404, 401]),
    ("delete", "/api/v1/domains/{domain}/", None, [403, 403, 204, 204, 404, 401]),
    (
        "post",
        "/api/v1/annotations/bulk/",
        {"annotations": [{"article": "{article}", "start": 4, "end": 9, "quote": "river"}]},
        [201, 201, 201, 201, 404, 401],
    ),
    ("post", "/api/v1/annotations/{resolved}/reopen/", {}, [403, 403, 200, 200, 404, 401]),
    ("get", "/api/v1/disagreements/", None, [200, 200, 200, 200, "E", 401]),
    ("get", "/api/v1/disagreements/{disagreement}/", None, [200, 200, 200, 200, 404, 401]),
    ("post", "/api/v1/disagreements/{disagreement}/keep-both/", {}, [403, 403, 200, 200, 404, 401]),
    (
        "post",
        "/api/v1/disagreements/{disagreement}/merge/",
        {"keep": "{judged}"},
        [403, 403, 200, 200, 404, 401],
    ),
    ("get", "/api/v1/adjudications/", None, [200, 200, 200, 200, "E", 401]),
    ("get", "/api/v1/adjudications/{adjudication}/", None, [404, 404, 200, 200, 404, 401]),
    (
        "post",
        "/api/v1/adjudications/",
        {"annotation": "{fresh}", "rating": "true", "rationale": "Checked."},
        [403, 403, 201, 201, 404, 401],
    ),
    ("get", "/api/v1/queues/to_review/", None, [200, 200, 200, 200, "E", 401]),
    ("get", "/api/v1/queues/disputed/", None, [200, 200, 200, 200, "E", 401]),
    ("get", "/api/v1/queues/done/", None, [200, 200, 200, 200, "E", 401]),
    ("get", "/api/v1/agreement/?project={project}", None, [200, 200, 200, 200, 404, 401]),
    # Streamed exports: every member may download (blind review decides what is in them).
    ("get", "/api/v1/exports/claims.csv?project={project}", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/exports/claims-verdicts.csv?project={project}", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/exports/claims-evidence.csv?project={project}", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/exports/claims.jsonl?project={project}", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/w3c/annotations/{judged}/", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/w3c/annotations/{resolved}/", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/w3c/articles/{article}/", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/w3c/articles/{article}/?page=1", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/w3c/articles/{article}/revisions/1/", None, [200, 200, 200, 200, 404, 401]),
    # Published reviews are the desk's result: every member gets them; unpublished claims have none.
    ("get", "/api/v1/exports/claimreview/?project={project}", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/exports/claimreview/{resolved}/", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/exports/claimreview/{resolved}/snippet/", None, [200, 200, 200, 200, 404, 401]),
    ("get", "/api/v1/exports/claimreview/{judged}/", None, [404, 404, 404, 404, 404, 401]),
    ("get", "/api/v1/exports/claimreview/{judged}/snippet/", None, [404, 404, 404, 404, 404, 401]),
    (
        "patch",
        "/api/v1/projects/{project}/",
        {"publisher_name": "Desk", "review_url_template": "https://desk.example.org/checks/{{claim_id}}"},
        [403, 403, 403, 200, 404, 401],
    ),
]


def fill(value, ids):
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
            return ids[value[1:-1]]
        return value.format(**ids)
    if isinstance(value, dict):
        return {key: fill(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [fill(item, ids) for item in value]
    return value


@pytest.mark.parametrize(
    ("method", "url", "body", "expected"), TABLE, ids=[f"{m} {u}" for m, u, _, _ in TABLE]
)
@pytest.mark.parametrize("caller", range(len(CALLERS)), ids=CALLERS)
def test_every_endpoint_answers_each_caller_as_its_role_allows(
    api_client, world, method, url, body, expected, caller
):
    from tests.factories import make_user

    ids = world.ids() | {"newcomer": make_user().username}
    user = world.caller(CALLERS[caller])
    if user is not None:
        api_client.force_authenticate(user)
    before = snapshot()
    response = getattr(api_client, method)(fill(url, ids), fill(body, ids), format="json")
    want = expected[caller]
    if want == "E":
        assert response.status_code == 200
        assert response.json()["count"] == 0, "an outsider's list shows nothing of the desk"
        return
    assert response.status_code == want, response.content
    if response.status_code >= 400:
        assert "detail" in response.json() or response.status_code in (400, 409)
        assert snapshot() == before, "a refused request changed nothing"
