"""Every operation of the API, fuzzed through its own OpenAPI schema: no answer is a 500 or HTML.

Schemathesis drives the real WSGI application in process, as the admin of a project with
articles, annotations, verdicts, evidence and sources, with valid and invalid input alike. The
requests run in autocommit, as in production (no ATOMIC_REQUESTS), so a lock taken outside a
transaction or an aborted PostgreSQL transaction shows here as it would there.

Only schemathesis' fuzzing phase runs, derandomized, so that CI is stable and quick; its coverage
phase triples the run. The classes of input it found 500s with are swept deterministically at
the end of the module. ``FUZZ_EXAMPLES=200`` digs deeper locally.
"""

import json
import os
from datetime import UTC
from decimal import Decimal, InvalidOperation

import django_filters
import pytest
import schemathesis
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist
from django.core.wsgi import get_wsgi_application
from django.urls import Resolver404, resolve
from django.utils.dateparse import parse_datetime
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error

from tests.factories import make_annotation, make_article, make_desk, make_verdict
from workbench.filters import MAX_ID, DateTimeFilter, IdFilter

schema = schemathesis.openapi.from_wsgi(
    "/api/schema/",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict(
        {
            # The caller's token goes in every request; generating others would test only 401s.
            "generation": {"with-security-parameters": False},
            "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        }
    ),
)


def list_filter(path: str, name: str):
    """The list's model and the django-filter filter behind its query parameter ``name``, if any."""
    try:
        view = resolve(path).func
    except Resolver404:
        return None, None
    filterset = getattr(getattr(view, "cls", None), "filterset_class", None)
    if filterset is None:
        return None, None
    return filterset._meta.model, filterset.base_filters.get(name)


def compares_a_plain_column(model, found) -> bool:
    """Whether the filter compares a column of the list's own model that is not a foreign key,
    which Django guards against numbers beyond the column's range by itself."""
    if found.method is not None:
        return False
    try:
        field = model._meta.get_field(found.field_name)
    except FieldDoesNotExist:
        return False
    return not field.is_relation


def unguarded_filter_bug(path: str, name: str) -> str | None:
    """The known 500 that parameter ``name`` of ``path`` still gives, while its list uses django-filter's
    own NumberFilter or IsoDateTimeFilter rather than those of workbench/filters.py."""
    model, found = list_filter(path, name)
    if (
        isinstance(found, django_filters.NumberFilter)
        and not isinstance(found, IdFilter)
        and not compares_a_plain_column(model, found)
    ):
        return f"{path}?{name}=1e300 is a 500 on SQLite (OverflowError): use workbench.filters.IdFilter"
    if isinstance(found, django_filters.IsoDateTimeFilter) and not isinstance(found, DateTimeFilter):
        return (
            f"{path}?{name}=2024-01-01T00:00:00+22:20 is a 500 on PostgreSQL (DataError), "
            f"{name}=0001-01-01T00:00:00+05:00 one on SQLite (OverflowError): "
            "use workbench.filters.DateTimeFilter"
        )
    return None


def is_edge_value(value) -> bool:
    """A number beyond 64 bits, or a date-time whose UTC offset or year a database refuses."""
    for item in value if isinstance(value, list) else [value]:
        try:
            if abs(Decimal(str(item))) > MAX_ID:
                return True
        except (InvalidOperation, ValueError):
            pass
        try:
            moment = parse_datetime(str(item))
        except ValueError:
            moment = None
        if moment is not None and moment.utcoffset() is not None:
            if abs(moment.utcoffset().total_seconds()) >= 16 * 3600:
                return True
            try:
                moment.astimezone(UTC)
            except OverflowError:
                return True
    return False


@schema.hook
def filter_query(context, query):
    """Keep the known bugs of unguarded list filters (reproduced, as xfail, by the sweeps below)
    out of the fuzzer's way, so that it goes on finding others."""
    path = context.operation.path if context.operation else ""
    return not any(
        unguarded_filter_bug(path, name) and is_edge_value(value) for name, value in (query or {}).items()
    )


def documented_media_types(path: str, method: str, status: int) -> set[str]:
    """The media types the schema gives for this answer of the operation (without parameters)."""
    operation = schema.raw_schema["paths"].get(path, {}).get(method.lower(), {})
    answer = operation.get("responses", {}).get(str(status), {})
    return {media_type.split(";")[0].strip() for media_type in answer.get("content", {})}


def is_json(media_type: str) -> bool:
    return media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def check_media_type(path: str, method: str, status: int, content_type: str, content: bytes) -> None:
    """Errors are JSON; a success is one of the media types the schema documents for it (JSON,
    JSON-LD, or an export's CSV, JSON Lines or HTML snippet), and parses when it is JSON."""
    media_type = content_type.split(";")[0].strip()
    if status >= 400:
        assert media_type == "application/json", f"{status} answered {content_type!r}, not JSON"
    else:
        documented = documented_media_types(path, method, status) or {"application/json"}
        assert media_type in documented, f"{status} answered {content_type!r}, not one of {documented}"
    if is_json(media_type):
        json.loads(content)


def answers_json(ctx, response, case):
    """Every answer under /api/ is JSON, or a media type the schema documents for it (or empty,
    for 204)."""
    if response.status_code == 204 or case.method.upper() == "HEAD":
        assert not response.content, "a 204 answer has a body"
        return
    content_type = response.headers.get("content-type", [""])[0]
    check_media_type(case.operation.path, case.method, response.status_code, content_type, response.content)


@pytest.fixture
def token():
    """The token of the admin of a project holding a bit of everything."""
    desk = make_desk()
    article = make_article(desk)
    claim = make_annotation(desk, article=article)
    make_verdict(
        desk,
        annotation=claim,
        rationale="The gauge read 3.2 m at 6 am.",
        evidence=[{"url": "https://example.org/gauge", "title": "River gauge", "stance": "supports"}],
    )
    make_verdict(desk, annotation=claim, reviewer=desk.reviewers[1], rating="false")
    make_annotation(desk, article=article, quote="The mayor said", tags=["flood"])
    yield Token.objects.create(user=desk.admin).key
    # Throttle counters live in the cache table, which flushing the database leaves alone.
    cache.clear()


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "30")),
    deadline=None,
    derandomize=True,
    # The project is built once per operation and meant to be shared by its inputs.
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
def test_no_request_answers_500_or_html(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=[not_a_server_error, answers_json])


def list_query_parameters(is_kind) -> list:
    """(path, parameter) for each query parameter of the schema's collection lists matching ``is_kind``."""
    found = []
    for path, operations in schema.raw_schema["paths"].items():
        if "{" in path or "get" not in operations:
            continue
        for parameter in operations["get"].get("parameters", []):
            if parameter["in"] == "query" and is_kind(parameter):
                name = parameter["name"]
                bug = unguarded_filter_bug(path, name)
                marks = [pytest.mark.xfail(reason=bug, strict=False)] if bug else []
                found.append(pytest.param(path, name, id=f"{path}?{name}", marks=marks))
    return found


def is_number(parameter) -> bool:
    return parameter["schema"].get("type") in ("integer", "number") and "enum" not in parameter["schema"]


def is_date_time(parameter) -> bool:
    return parameter["schema"].get("format") == "date-time"


def is_ordering(parameter) -> bool:
    return parameter["name"] == "ordering"


NUMBERS = ["1e300", "-1e300", "99999999999999999999", "-99999999999999999999", "1.5", "0"]
DATE_TIMES = ["2024-01-01T00:00:00+22:20", "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]


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
        check_media_type(path, "get", response.status_code, response["Content-Type"], response.getvalue())


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
