"""The OpenAPI schema at /api/schema/ lists every error answer an operation gives, in its real shape."""

import jsonschema
import pytest
import yaml
from django.test import Client
from drf_spectacular.validation import validate_schema
from openapi_schema_validator import OAS30Validator
from rest_framework.test import APIClient

from tests.factories import PASSWORD, make_desk, make_user, make_verdict

pytestmark = pytest.mark.django_db

TOKEN_PATH = "/api/v1/auth/token/"
WRITES = {"post", "put", "patch", "delete"}
METHODS = WRITES | {"get"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def operations(schema):
    for path, items in schema["paths"].items():
        for method, operation in items.items():
            if method in METHODS:
                yield path, method, operation


def responses(schema, path, method):
    return schema["paths"][path][method]["responses"]


def body_schema(schema, path, method, code):
    return responses(schema, path, method)[str(code)]["content"]["application/json"]["schema"]


def is_list(operation) -> bool:
    return any(parameter["name"] == "page" for parameter in operation.get("parameters", []))


def test_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_every_operation_under_api_v1_answers_401_except_the_token_endpoint(schema):
    for path, method, operation in operations(schema):
        assert path.startswith("/api/v1/")
        if path == TOKEN_PATH:
            continue
        assert "401" in operation["responses"], f"{method} {path}"
        assert body_schema(schema, path, method, 401) == {"$ref": "#/components/schemas/Error"}


def test_the_token_endpoint_needs_no_credentials_and_can_answer_429(schema):
    operation = schema["paths"][TOKEN_PATH]["post"]
    assert "security" not in operation
    assert {"200", "400", "429"} <= set(operation["responses"])
    assert not {"401", "403", "404"} & set(operation["responses"])


def test_the_annotation_patch_keeps_its_412_and_gets_its_body(schema):
    answer = responses(schema, "/api/v1/annotations/{id}/", "patch")["412"]
    assert answer["description"] == "Stale If-Match or version."
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_the_verdict_post_keeps_its_409_in_the_validation_error_shape(schema):
    answer = responses(schema, "/api/v1/verdicts/", "post")["409"]
    assert "verdict" in answer["description"].lower()  # the view's own words
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ValidationError"}


# Reads that refuse members below a role rather than hiding what they ask for.
READS_THAT_CAN_BE_FORBIDDEN = {("get", "/api/v1/queues/{name}/")}


def test_writes_can_answer_403_and_reads_only_where_a_role_is_needed(schema):
    for path, method, operation in operations(schema):
        if path != TOKEN_PATH:
            can_be_forbidden = method in WRITES or (method, path) in READS_THAT_CAN_BE_FORBIDDEN
            assert ("403" in operation["responses"]) == can_be_forbidden, f"{method} {path}"


def test_the_disputed_queue_answers_a_reviewer_403_as_documented(schema):
    desk = make_desk()
    client = APIClient()
    client.force_authenticate(desk.reviewers[0])
    response = client.get(f"/api/v1/queues/disputed/?project={desk.project.id}")
    assert response.status_code == 403
    conforms(schema, "/api/v1/queues/{name}/", "get", response)


def test_routes_and_bodies_that_name_objects_can_answer_404(schema):
    assert "404" in responses(schema, "/api/v1/annotations/{id}/", "get")
    assert "404" in responses(schema, "/api/v1/annotations/", "post")  # its article
    assert "404" in responses(schema, "/api/v1/articles/bulk/", "post")  # each item's project
    assert "404" not in responses(schema, "/api/v1/projects/", "post")  # names nothing


def test_request_bodies_can_answer_400_in_either_shape_and_415(schema):
    for path, method, operation in operations(schema):
        if "requestBody" in operation:
            assert body_schema(schema, path, method, 400) == {
                "anyOf": [
                    {"$ref": "#/components/schemas/ValidationError"},
                    {"$ref": "#/components/schemas/Error"},
                ]
            }, f"{method} {path}"
            assert "415" in operation["responses"]


def test_annotation_list_documents_its_filters(schema):
    names = {parameter["name"] for parameter in schema["paths"]["/api/v1/annotations/"]["get"]["parameters"]}
    assert names >= {
        "project",
        "article",
        "status",
        "rating",
        "reviewer",
        "tag",
        "created_after",
        "created_before",
        "q",
        "ordering",
        "page",
        "page_size",
    }


def test_every_list_can_answer_400_and_404(schema):
    lists = [(path, method, op) for path, method, op in operations(schema) if is_list(op)]
    assert len(lists) >= 10
    for path, method, operation in lists:
        assert method == "get"
        assert {"400", "404"} <= set(operation["responses"]), path
    assert "page_size" in responses(schema, "/api/v1/sources/", "get")["400"]["description"]
    assert "page" in responses(schema, "/api/v1/sources/", "get")["404"]["description"]


def test_writes_are_neither_paginated_nor_filtered(schema):
    for path in ("/api/v1/annotations/bulk/", "/api/v1/articles/bulk/"):
        operation = schema["paths"][path]["post"]
        assert "parameters" not in operation, path
        assert body_schema(schema, path, "post", 201)["type"] == "array"


def test_a_detail_route_lists_no_filters_of_its_collection(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/articles/{id}/revisions/"]["get"]["parameters"]}
    assert names == {"id", "page", "page_size"}


def test_the_error_components_have_the_documented_shapes(schema):
    components = schema["components"]["schemas"]
    error = components["Error"]
    assert error["required"] == ["detail"]
    assert error["properties"]["detail"]["type"] == "string"
    invalid = components["ValidationError"]
    assert invalid["type"] == "object"
    assert invalid["properties"]["non_field_errors"]["items"] == {"type": "string"}
    shapes = invalid["additionalProperties"]["anyOf"]
    assert {
        "type": "array",
        "items": {"type": "string"},
        "description": "Why the value was refused.",
    } in shapes
    assert {"$ref": "#/components/schemas/ValidationError"} in shapes


def conforms(schema, path, method, response):
    """Assert that the schema lists the answer's status for the operation and that its body fits."""
    documented = responses(schema, path, method)
    assert str(response.status_code) in documented, f"{method} {path}: {response.status_code} undocumented"
    assert response["Content-Type"] == "application/json"
    shape = {**body_schema(schema, path, method, response.status_code), "components": schema["components"]}
    jsonschema.validate(response.json(), shape, cls=jsonschema.Draft7Validator)


def test_real_error_answers_fit_their_documented_shapes(schema):
    desk = make_desk()
    verdict = make_verdict(desk)
    claim = verdict.annotation
    editor, annotator, reviewer = APIClient(), APIClient(), APIClient()
    editor.force_authenticate(desk.editor)
    annotator.force_authenticate(desk.annotator)
    reviewer.force_authenticate(verdict.reviewer)
    outsider = APIClient()
    outsider.force_authenticate(make_user())
    evidence = [{"url": "https://example.org/a", "stance": "supports"}, {"url": "https://example.org/b"}]
    judge = {"annotation": claim.id, "rating": "true", "confidence": "low"}
    annotations, detail = "/api/v1/annotations/", "/api/v1/annotations/{id}/"
    cases = [
        # 400: a field, a list item by position, a list's objects, the body as a whole, malformed JSON
        (editor, "post", annotations, "", {"article": "x", "start": 0, "end": 1, "quote": "T"}, 400),
        (editor, "post", annotations, "", {"article": claim.article_id, "tags": ["a" * 65]}, 400),
        (editor, "post", "/api/v1/verdicts/", "", {"annotation": claim.id, "evidence": evidence}, 400),
        (editor, "post", "/api/v1/annotations/bulk/", "", {"annotations": [{"article": 1}]}, 400),
        (editor, "post", "/api/v1/projects/", "", [1, 2], 400),
        (editor, "post", "/api/v1/projects/", "", "{not json", 400),
        (editor, "get", annotations, "?page_size=0", None, 400),
        (editor, "get", annotations, "?created_after=yesterday", None, 400),
        (APIClient(), "get", annotations, "", None, 401),
        (annotator, "post", "/api/v1/verdicts/", "", judge, 403),
        (outsider, "get", detail, "", None, 404),
        (outsider, "post", "/api/v1/verdicts/", "", judge, 404),
        (editor, "get", annotations, "?page=9", None, 404),
        (reviewer, "post", "/api/v1/verdicts/", "", judge, 409),
    ]
    for client, method, path, query, body, code in cases:
        url = path.replace("{id}", str(claim.id)) + query
        if isinstance(body, str):
            response = client.generic(method.upper(), url, body, content_type="application/json")
        else:
            response = getattr(client, method)(url, body, format="json")
        assert response.status_code == code, (url, body, response.content)
        conforms(schema, path, method, response)

    stale = editor.patch(
        f"/api/v1/annotations/{claim.id}/", {"claim": "x"}, HTTP_IF_MATCH='"annotation-1-v0"'
    )
    assert stale.status_code == 412
    conforms(schema, "/api/v1/annotations/{id}/", "patch", stale)
    unreadable = editor.generic("POST", "/api/v1/projects/", "name=x", content_type="text/plain")
    assert unreadable.status_code == 415
    conforms(schema, "/api/v1/projects/", "post", unreadable)


def test_the_token_endpoint_answers_as_documented(schema, settings):
    user = make_user()
    client = APIClient()
    bad = client.post(TOKEN_PATH, {"username": user.username}, format="json")
    assert bad.status_code == 400
    conforms(schema, TOKEN_PATH, "post", bad)
    limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["token"].split("/")[0])
    for _ in range(limit):
        client.post(TOKEN_PATH, {"username": user.username, "password": "guess"}, format="json")
    throttled = client.post(TOKEN_PATH, {"username": user.username, "password": PASSWORD}, format="json")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    conforms(schema, TOKEN_PATH, "post", throttled)


def test_a_stale_token_header_does_not_stop_a_client_getting_a_new_token():
    user = make_user()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token revoked-long-ago")
    response = client.post(TOKEN_PATH, {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_a_logged_in_browser_gets_a_token_without_a_csrf_token():
    user = make_user()
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(
        TOKEN_PATH, {"username": user.username, "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "code", "declaration"),
    [
        pytest.param(
            "delete",
            "/api/v1/projects/{project_pk}/members/{username}/",
            400,
            "the last admin cannot leave",
        ),
        pytest.param(
            "post",
            "/api/v1/projects/{project_pk}/members/",
            409,
            "already a member",
        ),
    ],
)
def test_member_answers_from_the_domain_rules_are_documented(schema, method, path, code, declaration):
    desk = make_desk()
    client = APIClient()
    client.force_authenticate(desk.admin)
    url = path.replace("{project_pk}", str(desk.project.id))
    if method == "delete":
        response = client.delete(url.replace("{username}", desk.admin.username))
    else:
        response = client.post(url, {"username": desk.editor.username, "role": "editor"}, format="json")
    assert response.status_code == code, declaration
    conforms(schema, path, method, response)


def test_the_token_is_documented_as_a_bearer_scheme(schema):
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert "Token <token>" in scheme["description"]


def test_versioned_objects_document_etag_and_if_match(schema):
    for path, method, code in [
        ("/api/v1/annotations/", "post", 201),
        ("/api/v1/annotations/{id}/", "get", 200),
        ("/api/v1/annotations/{id}/", "patch", 200),
        ("/api/v1/annotations/{id}/reopen/", "post", 200),
        ("/api/v1/verdicts/", "post", 201),
        ("/api/v1/verdicts/{id}/", "get", 200),
        ("/api/v1/verdicts/{id}/", "patch", 200),
    ]:
        header = responses(schema, path, method)[str(code)]["headers"]["ETag"]
        assert (header["schema"], header["required"]) == ({"type": "string"}, True), (method, path)
    for path, method in [
        ("/api/v1/annotations/{id}/", "patch"),
        ("/api/v1/annotations/{id}/", "delete"),
        ("/api/v1/verdicts/{id}/", "patch"),
    ]:
        names = {(p["in"], p["name"]) for p in schema["paths"][path][method]["parameters"]}
        assert ("header", "If-Match") in names, (method, path)


def test_pages_and_ids_carry_their_bounds(schema):
    for path, _method, operation in operations(schema):
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "page_size":
                assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (1, 500), path
            if parameter["name"] == "page":
                assert parameter["schema"] == {"type": "integer", "minimum": 1}, path
            if parameter["in"] == "path" and parameter["name"] in ("id", "pk"):
                assert parameter["schema"]["type"] == "integer", path


def test_nested_lists_carry_their_bounds_and_typed_items(schema):
    components = schema["components"]["schemas"]
    articles = components["BulkArticlesInputRequest"]["properties"]["articles"]
    assert articles == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/ImportArticleInputRequest"},
        "minItems": 1,
        "maxItems": 500,
    }
    annotations = components["BulkAnnotationsInputRequest"]["properties"]["annotations"]
    assert (annotations["minItems"], annotations["maxItems"]) == (1, 500)
    for name in ("SubmitVerdictInputRequest", "PatchedEditVerdictInputRequest", "AdjudicateInputRequest"):
        assert components[name]["properties"]["evidence"]["maxItems"] == 50, name
    assert components["EvidenceInputRequest"]["properties"]["url"]["maxLength"] == 2000


def test_every_nullable_schema_admits_null_under_a_strict_validator(schema):
    """OpenAPI 3.0 reads ``nullable`` only beside a ``type``: a nullable ``oneOf`` without one
    needs a branch that admits null itself."""
    nullable = []

    def walk(node, where):
        if isinstance(node, dict):
            if node.get("nullable"):
                nullable.append((where, node))
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{where}/{index}")

    walk(schema["components"], "#/components")
    assert len(nullable) >= 10
    for where, node in nullable:
        validator = OAS30Validator({**node, "components": schema["components"]})
        assert validator.is_valid(None), where
    article = schema["components"]["schemas"]["Article"]["properties"]["url"]
    assert (article["type"], article["format"], article["nullable"]) == ("string", "uri", True)


def test_span_disagreements_and_text_imports_answer_null_as_documented(schema):
    from tests.openapi_contract import Contract

    contract = Contract(schema)
    desk = make_desk()
    client = APIClient()
    client.force_authenticate(desk.admin)
    article = client.post(
        "/api/v1/articles/", {"project": desk.project.id, "title": "T", "text": "The river rose 3 m."}
    )
    assert article.json()["url"] is None
    contract.check_django(article)
    for user, start, end in ((desk.reviewers[0], 0, 9), (desk.reviewers[1], 4, 15)):
        client.force_authenticate(user)
        text = article.json()["text"]
        body = {"article": article.json()["id"], "start": start, "end": end, "quote": text[start:end]}
        assert client.post("/api/v1/annotations/", body).status_code == 201
    client.force_authenticate(desk.editor)
    found = client.get("/api/v1/disagreements/")
    assert [row["severity"] for row in found.json()["results"]] == [None]
    contract.check_django(found)


def test_request_bodies_are_documented_as_json_only(schema):
    bodies = [(path, method, op) for path, method, op in operations(schema) if "requestBody" in op]
    assert any(path == TOKEN_PATH for path, _method, _op in bodies)
    for path, method, operation in bodies:
        assert set(operation["requestBody"]["content"]) == {"application/json"}, f"{method} {path}"


def test_a_form_body_is_refused_with_the_documented_415(schema):
    user = make_user()
    response = Client().post(TOKEN_PATH, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 415
    conforms(schema, TOKEN_PATH, "post", response)


def test_every_operation_can_answer_503_with_retry_after(schema):
    for path, _method, operation in operations(schema):
        answer = operation["responses"]["503"]
        assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
        assert answer["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 0}, path
    throttled = responses(schema, TOKEN_PATH, "post")["429"]
    assert throttled["headers"]["Retry-After"]["required"] is True


def test_a_body_offered_in_several_shapes_is_required_when_each_shape_needs_fields(schema):
    body = schema["paths"]["/api/v1/articles/"]["post"]["requestBody"]
    assert body["required"] is True
    shape = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert len(schema["components"]["schemas"][shape]["oneOf"]) == 2


def test_an_accept_header_without_json_answers_the_documented_406(schema):
    desk = make_desk()
    client = APIClient()
    client.force_authenticate(desk.editor)
    refused = client.get("/api/v1/projects/", HTTP_ACCEPT="text/csv")
    assert refused.status_code == 406
    conforms(schema, "/api/v1/projects/", "get", refused)
    exported = client.get(
        f"/api/v1/exports/claims.csv?project={desk.project.id}", HTTP_ACCEPT="application/xml"
    )
    assert exported.status_code == 200
    assert "406" not in responses(schema, "/api/v1/exports/claims.csv", "get")
