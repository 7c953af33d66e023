"""The API's only request parser: JSON, bounded before it is decoded.

Python's ``json`` decoder recurses once per nesting level, so ``[`` ten thousand times deep would
raise ``RecursionError`` (a 500) before any serializer sees the body. The body is therefore read
up to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` and scanned iteratively for its nesting depth
(``DATA_UPLOAD_MAX_JSON_DEPTH``) and its number of keys and items
(``DATA_UPLOAD_MAX_JSON_FIELDS``, or a view's own ``max_json_fields``) first; a body over any
bound is a 400 naming that bound.
"""

import io
import re

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# One token of JSON's structure: a whole string (so brackets inside strings do not count), an
# opening or closing bracket, or a comma between keys or items.
STRUCTURE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{},]')


def check_shape(body: bytes, max_depth: int, max_fields: int) -> None:
    """Raise ``ParseError`` if ``body`` nests deeper than ``max_depth`` or holds more than
    ``max_fields`` keys and items (each comma and each container counts as one)."""
    depth = 0
    fields = 0
    for match in STRUCTURE.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            fields += 1
            if depth > max_depth:
                raise ParseError(f"The request body nests deeper than {max_depth} levels.")
        elif token in (b"]", b"}"):
            depth -= 1
        elif token == b",":
            fields += 1
        if fields > max_fields:
            raise ParseError(f"The request body holds more than {max_fields} keys and items.")


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        max_size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        body = stream.read(max_size + 1) if stream is not None else b""
        if len(body) > max_size:
            raise ParseError(f"The request body is larger than {max_size} bytes.")
        # A view that takes whole exports of other tools (their own bounds in bytes and items)
        # may allow more keys and items than the rest of the API.
        view = (parser_context or {}).get("view")
        max_fields = getattr(view, "max_json_fields", None) or settings.DATA_UPLOAD_MAX_JSON_FIELDS
        check_shape(body, settings.DATA_UPLOAD_MAX_JSON_DEPTH, max_fields)
        return super().parse(io.BytesIO(body), media_type, parser_context)
