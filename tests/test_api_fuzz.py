"""Every operation of the API, fuzzed through its own OpenAPI schema: every answer is one it documents.

Schemathesis drives the real WSGI application in process, each operation with valid and invalid
input alike, every input sent by an outsider (a member of another project only), a reviewer and an
editor. The project they call holds a bit of everything (articles, a claim in dispute, a span
disagreement, a resolved claim, verdicts with evidence, sources, a domain entry, history), and the
ids the fuzzer generates for paths, bodies and filters are replaced, most of the time, by the ids
of those objects of the right kind, so that operations reach their objects instead of answering
404 alone. Each answer must then be one the schema documents: its status code, content type,
headers and body (schemathesis' conformance checks, and openapi-core's strict validator with formats
on); none is a 500, and errors are JSON.

The requests run in autocommit, as in production (no ATOMIC_REQUESTS), so a lock taken outside a
transaction or an aborted PostgreSQL transaction shows here as it would there. Only schemathesis'
fuzzing phase runs, derandomized, so that CI is stable and quick. ``FUZZ_EXAMPLES=100`` digs deeper
locally. The classes of input that once gave 500s (numbers beyond 64 bits, date-times databases
refuse) are swept deterministically at the end of the module.
"""

import json
import os
import re
from collections import Counter

import django_filters
import pytest
import schemathesis
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from openapi_core.testing import MockRequest, MockResponse
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.datastructures import MultiDict

from annotations.models import Disagreement, DisagreementKind, Role
from annotations.services.annotations import create_annotation
from annotations.services.assignments import assign
from annotations.services.jobs import request_url_import
from annotations.services.projects import add_member
from annotations.services.review import adjudicate
from sources.services import set_domain_reliability
from tests.factories import make_annotation, make_article, make_desk, make_project, make_user, make_verdict
from tests.openapi_contract import Contract
from workbench.filters import DateTimeFilter, IdFilter

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict(
        {
            # The caller's token goes in every request; generating others would test only 401s.
            "generation": {"with-security-parameters": False, "mode": "all"},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)
contract = Contract(schema.raw_schema)
CALLERS = ("outsider", "reviewer", "editor")
# What the run covered, reported at the end of the module.
FIGURES = Counter()
OPERATIONS = set()


@pytest.fixture(scope="module", autouse=True)
def report_figures():
    yield
    if FIGURES["cases"]:
        print(
            f"\nfuzzed {len(OPERATIONS)} operations as {', '.join(CALLERS)}: {FIGURES['cases']} cases, "
            f"{FIGURES['validated']} answers validated against the schema, "
            f"{FIGURES['reached']} reached an object of the project (2xx)"
        )


class World:
    """A project holding one object of every kind, its members' tokens, and an outsider's."""

    def __init__(self):
        desk = make_desk()
        article = make_article(
            desk, text="The river rose 3.2 m at 6 am.\n\nThe mayor said 1,200 homes flooded."
        )
        disputed = make_annotation(desk, article=article, quote="The river rose 3.2 m")
        make_verdict(
            desk,
            annotation=disputed,
            rationale="The gauge read 3.2 m at 6 am.",
            evidence=[{"url": "https://example.org/gauge", "title": "River gauge", "stance": "supports"}],
        )
        make_verdict(desk, annotation=disputed, reviewer=desk.reviewers[1], rating="false")
        resolved = make_annotation(desk, article=article, quote="The mayor said", tags=["flood"])
        make_verdict(desk, annotation=resolved, rating="mixed")
        make_verdict(desk, annotation=resolved, reviewer=desk.reviewers[1], rating="mostly_true")
        adjudication = adjudicate(
            editor=desk.editor, annotation_id=resolved.id, rating="mixed", rationale="The report says so."
        )
        # Another highlight over part of the first, by someone else: a span disagreement.
        text = article.current_revision.text
        start = text.index("rose")
        overlapping, _created = create_annotation(
            author=desk.reviewers[1],
            article_id=article.id,
            start=start,
            end=start + 14,
            quote=text[start:][:14],
        )
        open_claim = make_annotation(desk, article=article, quote="1,200 homes flooded")
        span = Disagreement.objects.get(kind=DisagreementKind.SPAN)
        domain, _created = set_domain_reliability(
            project=desk.project, domain="example.org", reliability="high"
        )
        job = request_url_import(
            actor=desk.annotator, project_id=desk.project.id, url="https://news.example.org/flood"
        )
        verdict = disputed.verdicts.order_by("id").first()
        evidence = verdict.evidence.first()
        assignment = assign(
            editor=desk.editor,
            project_id=desk.project.id,
            assignee=desk.reviewers[0].username,
            article_id=article.id,
        )

        outsider = make_user()
        elsewhere = make_project(creator=outsider)
        add_member(actor=outsider, project_id=elsewhere.id, username=make_user().username, role=Role.REVIEWER)

        self.desk = desk
        self.text = text
        self.tokens = {
            "reviewer": Token.objects.create(user=desk.reviewers[0]).key,
            "editor": Token.objects.create(user=desk.editor).key,
            "outsider": Token.objects.create(user=outsider).key,
        }
        # Ids by the collection (or path parameter) naming them.
        self.ids = {
            "projects": desk.project.id,
            "articles": article.id,
            "annotations": disputed.id,
            "verdicts": verdict.id,
            "evidence": evidence.id,
            "sources": evidence.source_id,
            "domains": domain.id,
            "disagreements": Disagreement.objects.get(kind=DisagreementKind.VERDICT, annotation=disputed).id,
            "span-disagreements": span.id,
            "adjudications": adjudication.id,
            "history": desk.project.history.order_by("id").values_list("id", flat=True).first(),
            "claimreview": resolved.id,
            "w3c-annotations": disputed.id,
            "w3c-articles": article.id,
            "revisions": 1,
            "members": desk.annotator.username,
            "imports": job.id,
            "assignments": assignment.id,
        }
        # Ids that bodies and filters name, by field.
        self.fields = {
            "project": desk.project.id,
            "article": article.id,
            "annotation": open_claim.id,
            "verdict": verdict.id,
            "source": evidence.source_id,
            "keep": overlapping.id,
        }

    def path_id(self, path: str, name: str):
        """The id of the project's object that parameter ``name`` of ``path`` names, if known."""
        segments = path.strip("/").split("/")
        index = segments.index(f"{{{name}}}")
        collection = segments[index - 1]
        if name == "annotation_id":
            return self.ids["claimreview"]
        if collection == "disagreements" and segments[index + 1 : index + 2] in (["merge"], ["keep-both"]):
            return self.ids["span-disagreements"]
        if segments[2] == "w3c" and collection in ("annotations", "articles"):
            return self.ids[f"w3c-{collection}"]
        return self.ids.get(collection)


@pytest.fixture
def world():
    yield World()
    # Throttle counters live in the cache table, which flushing the database leaves alone.
    cache.clear()


def reaches_objects(value) -> bool:
    """Most generated ids are swapped for real ones; a few are kept, so that 404s stay in play."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1 and value % 5 != 0


def aim(case, world: World) -> None:
    """Point the case's ids at the project's objects."""
    for name, value in list((case.path_parameters or {}).items()):
        real = world.path_id(case.operation.path, name)
        if real is not None and (reaches_objects(value) or not isinstance(value, int)):
            case.path_parameters[name] = real
    for name, value in list((case.query or {}).items()):
        if name in world.fields and reaches_objects(value):
            case.query[name] = world.fields[name]
    aim_body(case.body, world)


def aim_body(body, world: World) -> None:
    """Ids, addresses and spans in a body, at any depth, made real most of the time."""
    if isinstance(body, dict):
        for name, value in body.items():
            if name in world.fields and reaches_objects(value):
                body[name] = world.fields[name]
            elif name in ("url", "domain") and isinstance(value, str) and len(value) % 4 != 3:
                body[name] = f"https://news.example.org/{len(value)}"
            else:
                aim_body(value, world)
        if {"start", "end", "quote"} <= body.keys() and reaches_objects(body["end"]):
            # A span of the article's text, as long as the generated one when that fits.
            end = min(body["end"], len(world.text))
            body.update(start=0, end=end, quote=world.text[:end])
    elif isinstance(body, list):
        for item in body:
            aim_body(item, world)


def header(response, name: str) -> str:
    values = response.headers.get(name.lower()) or response.headers.get(name) or [""]
    return values[0] if isinstance(values, list) else values


def errors_are_json(ctx, response, case):
    """Every error answers JSON (a success answers a media type the schema documents, checked by
    content_type_conformance); a 204 has no body."""
    if response.status_code == 204:
        assert not response.content, "a 204 answer has a body"
        return
    media_type = header(response, "content-type").split(";")[0].strip()
    if response.status_code >= 400:
        assert media_type == "application/json", f"{response.status_code} answered {media_type!r}, not JSON"
        json.loads(response.content)


def strictly_valid(ctx, response, case):
    """openapi-core's OpenAPI 3.0 validator, formats on, agrees that the answer fits the schema."""
    query = MultiDict()
    for name, value in (case.query or {}).items():
        for item in value if isinstance(value, list) else [value]:
            query.add(name, str(item))
    contract.check(
        MockRequest("http://testserver", case.method, case.formatted_path, args=query),
        MockResponse(
            response.content,
            status_code=response.status_code,
            headers={name: values[0] for name, values in response.headers.items()},
            content_type=header(response, "content-type"),
        ),
    )
    FIGURES["validated"] += 1


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    errors_are_json,
    strictly_valid,
]


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10")),
    deadline=None,
    derandomize=True,
    # The project is built once per operation, and meant to be shared by its inputs.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_every_answer_is_one_the_schema_documents(case, world):
    """Each input is sent by each caller in turn: the outsider first, so that what they may not do
    is tried on the project as it was built, then the reviewer and the editor."""
    aim(case, world)
    OPERATIONS.add(f"{case.method.upper()} {case.operation.path}")
    for caller in CALLERS:
        response = case.call(headers={"Authorization": f"Bearer {world.tokens[caller]}"})
        FIGURES["cases"] += 1
        FIGURES["reached"] += 200 <= response.status_code < 300
        case.validate_response(response, checks=CHECKS)


# Path parameters the schema enumerates, which the fuzzer generates well by itself.
ENUMERATED = {("/api/v1/queues/{name}/", "name")}


@pytest.mark.django_db
def test_the_fuzzed_project_has_an_object_for_every_path_parameter(world):
    """A new route with an id in its path needs an object of its kind in World, or its fuzzing
    would only ever answer 404."""
    for path in schema.raw_schema["paths"]:
        for name in re.findall(r"{(\w+)}", path):
            if (path, name) not in ENUMERATED:
                assert world.path_id(path, name) is not None, (
                    f"add an object for {{{name}}} of {path} to World"
                )


def list_filter(path: str, name: str):
    """The django-filter filter behind query parameter ``name`` of the list at ``path``, if any."""
    try:
        view = resolve(path).func
    except Resolver404:
        return None
    filterset = getattr(getattr(view, "cls", None), "filterset_class", None)
    return None if filterset is None else filterset.base_filters.get(name)


def unguarded(found) -> str | None:
    """Why a list filter would let a value through that a database refuses (a 500), if it would."""
    if isinstance(found, django_filters.NumberFilter) and not isinstance(found, IdFilter):
        bounded = found.extra.get("min_value") is not None and found.extra.get("max_value") is not None
        if not bounded:
            return "1e300 is a 500 on SQLite (OverflowError): use workbench.filters.IdFilter"
    if isinstance(found, django_filters.IsoDateTimeFilter) and not isinstance(found, DateTimeFilter):
        return (
            "2024-01-01T00:00:00+22:20 is a 500 on PostgreSQL (DataError), 0001-01-01T00:00:00+05:00 "
            "one on SQLite (OverflowError): use workbench.filters.DateTimeFilter"
        )
    return None


def list_query_parameters(is_kind) -> list:
    """(path, parameter) for each query parameter of the schema's collection lists matching ``is_kind``."""
    found = []
    for path, operations in schema.raw_schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] == "query" and is_kind(parameter):
                found.append(pytest.param(path, parameter["name"], id=f"{path}?{parameter['name']}"))
    return found


def is_number(parameter) -> bool:
    return parameter["schema"].get("type") in ("integer", "number") and "enum" not in parameter["schema"]


def is_date_time(parameter) -> bool:
    return parameter["schema"].get("format") == "date-time"


def is_ordering(parameter) -> bool:
    return parameter["name"] == "ordering"


NUMBERS = ["1e300", "-1e300", "99999999999999999999", "-99999999999999999999", "1.5", "0"]
DATE_TIMES = ["2024-01-01T00:00:00+22:20", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]


@pytest.mark.parametrize(("path", "name"), list_query_parameters(lambda p: is_number(p) or is_date_time(p)))
def test_no_list_filter_passes_on_values_a_database_refuses(path, name):
    assert unguarded(list_filter(path, name)) is None, f"{path}?{name}"


@pytest.fixture
def desk_client(api_client):
    """A client logged in as the admin of a project with a judged claim, and that project's id."""
    desk = make_desk()
    make_verdict(desk)
    api_client.force_authenticate(desk.admin)
    return api_client, desk.project.id


def assert_answers(desk_client, path, name, values):
    client, project = desk_client
    for value in values:
        response = client.get(path, {"project": project, name: value})
        expected = (200, 400, 404) if name == "page" else (200, 400)
        assert response.status_code in expected, f"{path}?{name}={value}: {response.status_code}"
        contract.check_django(response)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), list_query_parameters(is_number))
def test_numbers_beyond_64_bits_in_list_filters_are_200_or_400(desk_client, path, name):
    assert_answers(desk_client, path, name, NUMBERS)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), list_query_parameters(is_date_time))
def test_date_times_at_the_edges_in_list_filters_are_200_or_400(desk_client, path, name):
    assert_answers(desk_client, path, name, DATE_TIMES)


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "name"), list_query_parameters(is_ordering))
def test_an_empty_ordering_pages_a_list_in_id_order(desk_client, path, name):
    client, project = desk_client
    response = client.get(path, {"project": project, name: ","})
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["results"]]
    assert ids == sorted(ids)
