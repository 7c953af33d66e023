"""ETags for versioned objects (annotations, verdicts) and the If-Match precondition.

An ETag names the object and its version, ``"annotation-12-v3"``. An edit that sends
``If-Match`` (or a ``version`` in its body) with a stale value answers 412 and changes nothing.
"""

import re

from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.response import Response

# The two headers in the schema, so that a generated client can read the one and send the other.
ETAG = OpenApiParameter(
    "ETag",
    str,
    OpenApiParameter.HEADER,
    response=[200, 201],
    required=True,
    description='The object\'s version, e.g. `"annotation-12-v3"`: send it back as If-Match to edit.',
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    description="The ETag last read: an edit of an object changed since answers 412 and changes nothing "
    "(`*`, or no header and no `version`, edits whatever the version).",
)


def etag_of(kind: str, obj) -> str:
    return f'"{kind}-{obj.pk}-v{obj.version}"'


def expected_version(request, kind: str, pk) -> int | None:
    """The version the client last saw: from If-Match, else from a ``version`` in the body.

    ``None`` when the client states none. An If-Match naming another object, or that cannot be
    read, yields 0, which no object has, so the edit answers 412.
    """
    header = request.headers.get("If-Match")
    if header:
        if header.strip() == "*":
            return None
        pattern = re.compile(rf'^(?:W/)?"{re.escape(kind)}-{re.escape(str(pk))}-v(\d+)"$')
        for tag in header.split(","):
            if match := pattern.match(tag.strip()):
                return int(match.group(1))
        return 0
    version = request.data.get("version") if isinstance(request.data, dict) else None
    return version if isinstance(version, int) and not isinstance(version, bool) else None


class VersionedViewMixin:
    """For viewsets of versioned objects: answers carry the object's ETag, and edits read the
    version the client last saw (``If-Match`` or a ``version`` in the body)."""

    etag_kind: str

    def with_etag(self, obj, code=status.HTTP_200_OK, *, fresh=None) -> Response:
        fresh = fresh or self.get_queryset().get(pk=obj.pk)
        response = Response(self.get_serializer(fresh).data, status=code)
        response["ETag"] = etag_of(self.etag_kind, fresh)
        return response

    def retrieve(self, request, pk=None):
        obj = self.get_object()
        return self.with_etag(obj, fresh=obj)

    def client_version(self, pk) -> int | None:
        return expected_version(self.request, self.etag_kind, pk)
