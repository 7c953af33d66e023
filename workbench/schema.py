"""The OpenAPI schema's account of errors: every error answer an operation can give, and its shape.

drf-spectacular documents success answers only. This AutoSchema adds, to each operation, the
errors that the API's conventions (``workbench/api_errors.py``) make possible, with two shared
components: ``ValidationError`` (``{field: [reason]}``, nested for items, ``non_field_errors``
for the request as a whole) and ``Error`` (``{"detail": reason}``).

Which codes an operation gets is read from the view and the operation itself:

- 400: a request body (bad input, or a body that cannot be read), or a list's filters and pages;
- 401: an operation that needs credentials (no credentials, or an invalid token);
- 403: writes: the caller's role is too low, or a browser session lacks its CSRF token; reads
  only where the view declares it (the disputed queue, for members below editor): objects of
  projects the caller cannot see answer 404, not 403;
- 404: routes naming an object, writes whose body names one (an id, or an opaque bulk item),
  and paginated lists (a page past the end);
- 409 and 412: where a view declares them with ``extend_schema(responses=...)``;
- 406: an Accept header that admits none of the operation's media types (every operation
  whose view negotiates; the exports answer their own media type whatever Accept says);
- 415: a request body of a media type the API does not read;
- 429: throttled views;
- 503: every operation (the database cannot be reached; nothing was written).

429 and 503 carry ``Retry-After``, the seconds to wait before trying again.

Codes a view declares keep their description; the body shape is filled in when the
declaration gives none. Writes are not paginated or filtered, whatever their answer lists.

Beyond errors, the schema states the bounds the API enforces, so that a client generated from it
or a validator checking answers against it agrees with the server: ``page`` and ``page_size``
carry the paginator's limits, nested lists (evidence, bulk items) their ``minItems`` and
``maxItems``, and ids in paths are integers.
"""

from drf_spectacular import openapi
from drf_spectacular.plumbing import ResolvedComponent, force_instance
from drf_spectacular.utils import PolymorphicProxySerializer
from rest_framework import serializers
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import SAFE_METHODS
from rest_framework.views import APIView

from annotations.api.fields import IdField
from workbench.filters import MAX_ID

REASONS = {"type": "array", "items": {"type": "string"}, "description": "Why the value was refused."}

ERROR_COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "Every error except bad input: why the request was refused.",
        "properties": {"detail": {"type": "string", "description": "A sentence a person can act on."}},
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": (
            "Bad input, by field: `{field: [reason, ...]}`. `non_field_errors` holds reasons about "
            "the request as a whole. A nested object's errors nest the same way, and a list's items "
            "are named by position: `{field: {position: {field: [reason]}}}` (or, for a list of "
            "objects, a list with one error object per item, `{}` for good ones)."
        ),
        "properties": {"non_field_errors": REASONS},
        "additionalProperties": {
            "anyOf": [
                REASONS,
                {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"}},
                {"$ref": "#/components/schemas/ValidationError"},
            ]
        },
    },
}

BAD_INPUT = (
    'Bad input, and nothing changed: `{field: [reason]}`; `{"detail": reason}` when the body '
    "cannot be read at all (malformed JSON, say)."
)
BAD_QUERY = "A filter value, ordering or page_size that cannot be used: `{parameter: [reason]}`."
DESCRIPTIONS = {
    "400": BAD_INPUT,
    "401": "No credentials, or a token that is not valid.",
    "403": "The caller's role in the project is too low for this, or a browser session sent no CSRF token.",
    "403-csrf": "A browser session sent no CSRF token.",
    "404": "No such object, or one of a project the caller is not a member of.",
    "404-list": "No such page (past the end, or not a page number).",
    "406": "The Accept header admits none of the media types this operation answers.",
    "409": "The request clashes with the current state, and nothing changed.",
    "412": "The If-Match ETag (or `version`) is stale: the object changed since it was read.",
    "415": "A request body of a media type the API does not read.",
    "429": "Too many requests from this client; Retry-After says when to try again.",
    "503": "The database cannot be reached, and nothing changed; Retry-After says when to try again.",
}
RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 0},
        "description": "Seconds to wait before trying again.",
        "required": True,
    }
}
# 409 answers in the ValidationError shape (StateConflict is a ValidationError); 400 in both.
SHAPES = {"400": ("ValidationError", "Error"), "409": ("ValidationError",)}
UNDESCRIBED = {"", "No response body"}


# A path segment that the route's regex admits as digits only: an object's id.
DIGITS = {"type": "string", "pattern": r"^\d+$"}


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is not None:
            self.add_bounds(operation)
            self.require_polymorphic_body(operation)
            self.add_errors(operation)
        return operation

    def require_polymorphic_body(self, operation) -> None:
        """A body offered in several shapes is required when each shape has required fields
        (drf-spectacular reads that from one serializer only)."""
        if "requestBody" not in operation:
            return
        serializer = force_instance(self.get_request_serializer())
        if isinstance(serializer, PolymorphicProxySerializer):
            shapes = [force_instance(each) for each in serializer.serializers]
            if all(any(field.required for field in shape.fields.values()) for shape in shapes):
                operation["requestBody"]["required"] = True

    def add_bounds(self, operation) -> None:
        paginator = self._get_paginator()
        max_page_size = getattr(paginator, "max_page_size", None)
        for parameter in operation.get("parameters", []):
            if parameter["in"] == "path" and parameter["schema"] == DIGITS:
                parameter["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
            elif parameter["in"] == "query" and parameter["name"] == "page":
                parameter["schema"] = {"type": "integer", "minimum": 1}
            elif parameter["in"] == "query" and parameter["name"] == "page_size" and max_page_size:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": max_page_size}

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.ListSerializer) and schema and schema.get("type") == "array":
            if field.min_length is not None:
                schema.setdefault("minItems", field.min_length)
            elif not field.allow_empty:
                schema.setdefault("minItems", 1)
            if field.max_length is not None:
                schema.setdefault("maxItems", field.max_length)
        return schema

    def get_filter_backends(self):
        # A detail route's filters only narrow the lookup of its object, not what it lists.
        if self.is_write() or getattr(self.view, "detail", False):
            return []
        return super().get_filter_backends()

    def _get_paginator(self):
        return None if self.is_write() else super()._get_paginator()

    def is_write(self) -> bool:
        return self.method not in SAFE_METHODS

    def names_object_in_path(self) -> bool:
        return "{" in self.path

    def negotiates(self) -> bool:
        """Whether the view picks its answer's media type from Accept, refusing with 406."""
        view = type(self.view)
        return issubclass(view.content_negotiation_class, DefaultContentNegotiation) and (
            view.perform_content_negotiation is APIView.perform_content_negotiation
        )

    def is_paginated_list(self) -> bool:
        return not self.is_write() and self._is_list_view() and self._get_paginator() is not None

    def body_names_objects(self) -> bool:
        """Whether the request body names existing objects (ids, or opaque items that may hold some)."""
        return names_objects(force_instance(self.get_request_serializer()))

    def error_codes(self, operation) -> dict[str, str]:
        """The error codes this operation can answer, each with its default description."""
        codes = {}
        has_body = "requestBody" in operation
        is_list = self.is_paginated_list()
        filtered = bool(self.get_filter_backends() and getattr(self.view, "filterset_class", None))
        needs_credentials = bool(operation.get("security")) and {} not in operation["security"]
        names_object = self.names_object_in_path() or (has_body and self.body_names_objects())
        if has_body:
            codes["400"] = BAD_INPUT
        elif is_list or filtered:
            codes["400"] = BAD_QUERY
        if needs_credentials:
            codes["401"] = DESCRIPTIONS["401"]
            if self.is_write():
                codes["403"] = DESCRIPTIONS["403" if names_object else "403-csrf"]
        not_found = [DESCRIPTIONS["404"]] if names_object else []
        if is_list:
            not_found.append(DESCRIPTIONS["404-list"])
        if not_found:
            codes["404"] = " Or: ".join(not_found)
        if self.negotiates():
            codes["406"] = DESCRIPTIONS["406"]
        if has_body:
            codes["415"] = DESCRIPTIONS["415"]
        if self.view.get_throttles():
            codes["429"] = DESCRIPTIONS["429"]
        codes["503"] = DESCRIPTIONS["503"]
        return codes

    def add_errors(self, operation) -> None:
        responses = operation["responses"]
        for code, description in self.error_codes(operation).items():
            responses.setdefault(code, {"description": description})
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                self.fill_error_response(code, response)
            if code in ("429", "503"):
                response.setdefault("headers", {}).update(RETRY_AFTER)
        operation["responses"] = dict(sorted(responses.items()))

    def fill_error_response(self, code: str, response: dict) -> None:
        """Give a declared error its body shape and a description, keeping what the view said."""
        if response.get("description", "") in UNDESCRIBED:
            response["description"] = DESCRIPTIONS.get(code, "")
        if "content" in response:
            return
        refs = [self.error_component(name) for name in SHAPES.get(code, ("Error",))]
        schema = refs[0] if len(refs) == 1 else {"anyOf": refs}
        response["content"] = {"application/json": {"schema": schema}}

    def error_component(self, name: str) -> dict:
        component = ResolvedComponent(
            name=name, type=ResolvedComponent.SCHEMA, object=name, schema=ERROR_COMPONENTS[name]
        )
        self.registry.register_on_missing(component)
        return component.ref


# Fields whose value names an object: ids, and opaque objects (a bulk import's raw items) that may.
NAMING_FIELDS = (IdField, serializers.RelatedField, serializers.DictField, serializers.JSONField)


def names_objects(serializer) -> bool:
    if isinstance(serializer, PolymorphicProxySerializer):
        return any(names_objects(force_instance(each)) for each in serializer.serializers)
    if isinstance(serializer, serializers.ListSerializer):
        return names_objects(serializer.child)
    if not isinstance(serializer, serializers.Serializer):
        return False
    for field in serializer.fields.values():
        if isinstance(field, serializers.ListField):
            field = field.child
        if isinstance(field, NAMING_FIELDS):
            return True
        if isinstance(field, serializers.BaseSerializer) and names_objects(field):
            return True
    return False
