"""Answers checked against the API's own OpenAPI schema with a strict OpenAPI 3.0 validator.

openapi-core validates status codes, content types, headers and bodies (formats on: ``uri``,
``date-time``, ...) of each answer against the operation the request matched. ``Contract`` keeps
count of what it checked, so that a test can say how much of the API it held to the schema.
"""

import json
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.deserializing.media_types.util import json_loads, plain_loads
from openapi_core.testing import MockRequest, MockResponse
from openapi_core.validation.response.exceptions import MissingData
from openapi_core.validation.response.validators import V30ResponseHeadersValidator
from werkzeug.datastructures import MultiDict


def json_lines_loads(value: bytes, **parameters: str) -> str:
    """A JSON Lines body is text of which every line is one JSON value."""
    text = plain_loads(value, **parameters)
    for line in text.splitlines():
        json.loads(line)
    return text


# How to read the media types that openapi-core leaves as bytes: text, or JSON for JSON-LD.
MEDIA_TYPES = {
    "text/csv": plain_loads,
    "application/x-ndjson": json_lines_loads,
    "application/ld+json": json_loads,
}


class Contract:
    def __init__(self, schema: dict):
        self.schema = schema
        self.openapi = OpenAPI.from_dict(schema, config=Config(extra_media_type_deserializers=MEDIA_TYPES))
        # The status code and headers only, for answers whose whole body is empty.
        self.headers_only = OpenAPI.from_dict(
            schema, config=Config(response_validator_cls=V30ResponseHeadersValidator)
        )
        self.checked = Counter()

    def check(self, request: MockRequest, response: MockResponse) -> None:
        """Raise openapi-core's error if the answer breaks the schema; count it otherwise."""
        try:
            self.openapi.validate_response(request, response)
        except MissingData:
            # openapi-core wants a body wherever content is documented, but an empty JSON Lines
            # file (an export of no claims) is a whole one.
            if not response.content_type.startswith("application/x-ndjson"):
                raise
            self.headers_only.validate_response(request, response)
        self.checked[(request.method, response.status_code)] += 1

    def check_httpx(self, response: httpx.Response) -> None:
        self.check(from_httpx_request(response.request), from_httpx_response(response))

    def check_django(self, response, *, host: str = "http://testserver") -> None:
        """An answer of Django's test client (its ``request`` dict names the call)."""
        request = response.request
        query = MultiDict(parse_qsl(request.get("QUERY_STRING", ""), keep_blank_values=True))
        self.check(
            MockRequest(host, request["REQUEST_METHOD"], request["PATH_INFO"], args=query),
            MockResponse(
                response_body(response),
                status_code=response.status_code,
                headers=dict(response.items()),
                content_type=response.get("Content-Type", ""),
            ),
        )

    @property
    def total(self) -> int:
        return sum(self.checked.values())


def response_body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def from_httpx_request(request: httpx.Request) -> MockRequest:
    url = urlsplit(str(request.url))
    return MockRequest(
        f"{url.scheme}://{url.netloc}",
        request.method,
        url.path,
        args=MultiDict(parse_qsl(url.query, keep_blank_values=True)),
        headers=dict(request.headers),
        data=request.content,
        content_type=request.headers.get("Content-Type", ""),
    )


def from_httpx_response(response: httpx.Response) -> MockResponse:
    response.read()
    return MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response.headers.get("Content-Type", ""),
    )


def load(content: bytes) -> dict:
    """The schema, served as JSON or YAML."""
    try:
        return json.loads(content)
    except ValueError:
        import yaml

        return yaml.safe_load(content)
