"""A client generated from the live schema drives the whole review workflow, untouched.

``openapi-python-client`` generates a Python package from ``/api/schema/`` of a live server (once
for the module); every generated module imports, and the workflow below uses that package alone:
no hand-written HTTP call, no edit of the generated code. The generated client raises on any
status code the schema does not document, and every answer it receives is checked against the
schema by a strict OpenAPI 3.0 validator (openapi-core, formats on) from an httpx event hook.
"""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core.cache import cache

from annotations.models import Disagreement
from tests.factories import PASSWORD, make_user
from tests.openapi_contract import Contract, load

PACKAGE = "workbench_client"
# The JSON Lines export is bytes to a generated client (the generator knows no ndjson).
CONFIG = f"""
project_name_override: {PACKAGE}
package_name_override: {PACKAGE}
post_hooks: []
content_type_overrides:
  application/x-ndjson: application/octet-stream
"""
TEXT = "Flood 🌊 alert: the river rose 3.2 m at 6 am, the mayor said. Schools close on Monday."


def generator() -> str:
    return str(Path(sys.executable).with_name("openapi-python-client"))


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory, django_db_blocker):
    """The client package generated from the live schema, every module imported, and the schema."""
    with django_db_blocker.unblock():
        served = httpx.get(f"{live_server.url}/api/schema/", timeout=30)
    assert served.status_code == 200
    schema = load(served.content)
    folder = tmp_path_factory.mktemp("client")
    (folder / "schema.yaml").write_bytes(served.content)
    (folder / "config.yaml").write_text(CONFIG)
    run = subprocess.run(
        [generator(), "generate", "--path", "schema.yaml", "--config", "config.yaml", "--output-path", "out"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "warning" not in (run.stdout + run.stderr).lower(), run.stdout + run.stderr
    sys.path.insert(0, str(folder / "out"))
    try:
        package = importlib.import_module(PACKAGE)
        modules = {
            info.name: importlib.import_module(info.name)
            for info in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")
        }
        yield package, modules, schema
    finally:
        sys.path.remove(str(folder / "out"))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


class Api:
    """The generated package's operations and models by name, and clients that check every answer."""

    def __init__(self, generated, base_url: str):
        _package, self.modules, schema = generated
        self.base_url = base_url
        self.contract = Contract(schema)
        self.models = self.modules[f"{PACKAGE}.models"]
        self.client_module = self.modules[f"{PACKAGE}.client"]
        self.errors = self.modules[f"{PACKAGE}.errors"]

    def operation(self, tag: str, name: str):
        return self.modules[f"{PACKAGE}.api.{tag}.{name}"].sync_detailed

    def model(self, name: str):
        return getattr(self.models, name)

    def hooks(self) -> dict:
        return {"event_hooks": {"response": [self.contract.check_httpx]}}

    def anonymous(self):
        return self.client_module.Client(
            base_url=self.base_url, raise_on_unexpected_status=True, httpx_args=self.hooks()
        )

    def as_user(self, token: str):
        # The generated client sends "Authorization: Bearer <token>", as the schema's scheme says.
        return self.client_module.AuthenticatedClient(
            base_url=self.base_url, token=token, raise_on_unexpected_status=True, httpx_args=self.hooks()
        )

    def login(self, username: str):
        answer = self.operation("auth", "auth_token_create")(
            client=self.anonymous(),
            body=self.model("AuthTokenRequest")(username=username, password=PASSWORD),
        )
        assert answer.status_code == 200
        return self.as_user(answer.parsed.token)


@pytest.fixture
def api(generated, live_server):
    # The token endpoint's throttle counts in the cache, which flushing the database leaves alone.
    cache.clear()
    yield Api(generated, live_server.url)
    cache.clear()


def test_every_generated_module_imports(generated):
    _package, modules, schema = generated
    operations = sum(
        1
        for item in schema["paths"].values()
        for method in item
        if method in {"get", "post", "patch", "delete"}
    )
    # One module an operation: workbench_client.api.<tag>.<operation>.
    api_modules = [name for name in modules if name.startswith(f"{PACKAGE}.api.") and name.count(".") == 3]
    assert len(api_modules) == operations


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_drives_the_review_workflow(api):
    for name in ("ada", "rev1", "rev2", "ed"):
        make_user(username=name)
    ada, rev1, rev2, ed = (api.login(name) for name in ("ada", "rev1", "rev2", "ed"))
    model, call = api.model, api.operation

    project = call("projects", "projects_create")(
        client=ada, body=model("CreateProjectInputRequest")(name="River desk", required_verdicts=2)
    )
    assert project.status_code == 201
    project_id = project.parsed.id
    for username, role in (("rev1", "reviewer"), ("rev2", "reviewer"), ("ed", "editor")):
        member = call("projects", "projects_members_create")(
            project_id,
            client=ada,
            body=model("AddMemberInputRequest")(username=username, role=model("RoleEnum")(role)),
        )
        assert member.status_code == 201
    members = call("projects", "projects_members_list")(project_id, client=rev1)
    assert {row.username for row in members.parsed.results} == {"ada", "rev1", "rev2", "ed"}

    article = call("articles", "articles_create")(
        client=ada, body=model("ImportArticleInputRequest")(project=project_id, title="Flood", text=TEXT)
    )
    assert article.status_code == 201
    assert article.parsed.url is None  # a text import has no address
    text = article.parsed.text

    # The span starts on the emoji: offsets count code points.
    start, end = text.index("🌊"), text.index(" at 6 am")
    claim = call("annotations", "annotations_create")(
        client=ada,
        body=model("CreateAnnotationInputRequest")(
            article=article.parsed.id, start=start, end=end, quote=text[start:end]
        ),
    )
    assert claim.status_code == 201
    assert claim.parsed.quote.startswith("🌊")
    assert claim.headers["ETag"] == f'"annotation-{claim.parsed.id}-v{claim.parsed.version}"'
    claim_id = claim.parsed.id

    evidence = model("EvidenceInputRequest")(
        url="https://gauges.example.org/river", title="River gauge", stance=model("StanceEnum")("supports")
    )
    for client, rating in ((rev1, "true"), (rev2, "false")):
        verdict = call("verdicts", "verdicts_create")(
            client=client,
            body=model("SubmitVerdictInputRequest")(
                annotation=claim_id,
                rating=model("RatingEnum")(rating),
                confidence=model("ConfidenceEnum")("high"),
                rationale="The gauge's log.",
                evidence=[evidence],
            ),
        )
        assert verdict.status_code == 201
        assert verdict.parsed.evidence[0].url == "https://gauges.example.org/river"

    # A second highlight by another person, overlapping the first: a span disagreement.
    other = text.index("river rose")
    overlap = call("annotations", "annotations_create")(
        client=rev2,
        body=model("CreateAnnotationInputRequest")(
            article=article.parsed.id, start=other, end=len(text), quote=text[other:]
        ),
    )
    assert overlap.status_code == 201

    queues = call("queues", "queues_list")
    name = model("QueuesListName")
    disputed = queues(name("disputed"), client=ed, project=project_id).parsed.results
    assert {row.id for row in disputed} == {claim_id, overlap.parsed.id}
    assert claim_id not in [row.id for row in queues(name("to_review"), client=rev1).parsed.results]
    assert queues(name("done"), client=rev1).parsed.count == 0

    found = call("disagreements", "disagreements_list")(
        client=ed, project=project_id, status=model("DisagreementsListStatus")("open")
    ).parsed.results
    severities = {row.kind.value: row.severity for row in found}
    assert severities == {"verdict": 4, "span": None}
    assert Disagreement.objects.count() == 2

    adjudication = call("adjudications", "adjudications_create")(
        client=ed,
        body=model("AdjudicateInputRequest")(
            annotation=claim_id,
            rating=model("RatingEnum")("mostly_true"),
            rationale="The gauge read 3.1 m.",
            evidence=[evidence],
        ),
    )
    assert adjudication.status_code == 201
    resolved = call("annotations", "annotations_retrieve")(claim_id, client=rev1)
    assert (resolved.parsed.status.value, resolved.parsed.final_rating.value) == ("resolved", "mostly_true")
    assert queues(name("done"), client=rev1).parsed.count == 1

    agreement = call("agreement", "agreement_retrieve")(client=ed, project=project_id)
    assert (agreement.parsed.n_claims, agreement.parsed.n_verdicts) == (1, 2)
    assert agreement.parsed.fleiss_kappa is None  # one claim: chance agreement cannot be estimated

    # An edit with the ETag last read, then one with the stale ETag: 412, and nothing changes.
    read = call("annotations", "annotations_retrieve")(claim_id, client=ada)
    edit = call("annotations", "annotations_partial_update")
    changed = edit(
        claim_id,
        client=ada,
        body=model("PatchedUpdateAnnotationInputRequest")(claim="The river rose 3.2 m."),
        if_match=read.headers["ETag"],
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != read.headers["ETag"]
    stale = edit(
        claim_id,
        client=ada,
        body=model("PatchedUpdateAnnotationInputRequest")(claim="Something else."),
        if_match=read.headers["ETag"],
    )
    assert stale.status_code == 412
    assert isinstance(stale.parsed, model("Error"))
    assert call("annotations", "annotations_retrieve")(claim_id, client=ada).parsed.claim == (
        "The river rose 3.2 m."
    )

    exports = {
        "exports_claims_csv": "text/csv",
        "exports_claims_jsonl": "application/x-ndjson",
        "exports_claimreview_list": "application/json",
    }
    for operation, media_type in exports.items():
        answer = call("exports", operation)(client=ed, project=project_id)
        assert answer.status_code == 200
        assert answer.headers["Content-Type"].startswith(media_type)
    w3c = call("w3c", "w3c_annotations_retrieve")(claim_id, client=rev1)
    assert w3c.headers["Content-Type"].startswith("application/ld+json")

    # An import from a web address is a job, read back where Location points.
    job = call("articles", "articles_create")(
        client=ada,
        body=model("ImportArticleFromUrlInputRequest")(
            project=project_id, url="https://news.example.org/flood"
        ),
    )
    assert job.status_code == 202
    assert job.headers["Location"] == job.parsed.url
    polled = call("imports", "imports_retrieve")(job.parsed.id, client=ada)
    assert (polled.parsed.id, str(polled.parsed.status)) == (job.parsed.id, "queued")

    assert api.contract.total >= 30


@pytest.mark.django_db(transaction=True)
def test_a_generated_client_gets_typed_errors(api):
    for name in ("ada", "rev1", "stranger"):
        make_user(username=name)
    ada, rev1, stranger = (api.login(name) for name in ("ada", "rev1", "stranger"))
    model, call = api.model, api.operation
    project_id = call("projects", "projects_create")(
        client=ada, body=model("CreateProjectInputRequest")(name="Desk")
    ).parsed.id
    call("projects", "projects_members_create")(
        project_id,
        client=ada,
        body=model("AddMemberInputRequest")(username="rev1", role=model("RoleEnum")("reviewer")),
    )
    article = call("articles", "articles_create")(
        client=ada, body=model("ImportArticleInputRequest")(project=project_id, title="Flood", text=TEXT)
    ).parsed
    create = call("annotations", "annotations_create")

    wrong_quote = create(
        client=ada,
        body=model("CreateAnnotationInputRequest")(article=article.id, start=0, end=5, quote="Flame"),
    )
    assert wrong_quote.status_code == 400
    assert isinstance(wrong_quote.parsed, model("ValidationError"))
    assert "quote" in wrong_quote.parsed.additional_properties

    claim = create(
        client=ada,
        body=model("CreateAnnotationInputRequest")(article=article.id, start=0, end=5, quote=TEXT[:5]),
    ).parsed
    hidden = call("annotations", "annotations_retrieve")(claim.id, client=stranger)
    assert hidden.status_code == 404
    assert isinstance(hidden.parsed, model("Error"))

    judge = model("SubmitVerdictInputRequest")(
        annotation=claim.id, rating=model("RatingEnum")("true"), confidence=model("ConfidenceEnum")("low")
    )
    assert call("verdicts", "verdicts_create")(client=rev1, body=judge).status_code == 201
    again = call("verdicts", "verdicts_create")(client=rev1, body=judge)
    assert again.status_code == 409
    assert isinstance(again.parsed, model("ValidationError"))

    forbidden = call("queues", "queues_list")(
        model("QueuesListName")("disputed"), client=rev1, project=project_id
    )
    assert forbidden.status_code == 403
    assert isinstance(forbidden.parsed, model("Error"))

    anonymous = call("projects", "projects_list")(client=api.anonymous())
    assert anonymous.status_code == 401

    assert call("auth", "auth_token_revoke_create")(client=stranger).status_code == 200
    revoked = call("projects", "projects_list")(client=stranger)
    assert revoked.status_code == 401
    assert isinstance(revoked.parsed, model("Error"))
    assert api.contract.checked[("post", 409)] == 1
