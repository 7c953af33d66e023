"""Reading an export file as the pages receive it: bounded before it is decoded, as API bodies are."""

import json

from django.core.exceptions import ValidationError
from rest_framework.exceptions import ParseError

from annotations.imports.limits import JOB_EXPORT_MAX_BYTES, TOO_LARGE
from workbench.parsers import check_shape


def read_export(data: bytes, *, field: str = "export", max_depth: int = 32, max_fields: int = 200_000):
    """The JSON document in ``data``. ValidationError naming ``field`` for a file too large, not
    UTF-8, nested too deep (Python's decoder would overflow its stack) or not JSON at all."""
    if len(data) > JOB_EXPORT_MAX_BYTES:
        raise ValidationError({field: [TOO_LARGE]})
    try:
        check_shape(data, max_depth, max_fields)
    except ParseError as error:
        raise ValidationError({field: [str(error.detail).replace("request body", "file")]}) from None
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationError({field: ["The file is not UTF-8 text."]}) from None
    except json.JSONDecodeError as error:
        raise ValidationError(
            {field: [f"The file is not JSON: {error.msg} at line {error.lineno}, column {error.colno}."]}
        ) from None
