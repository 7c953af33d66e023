import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from annotations.models import Role


@extend_schema_field({"type": "string", "enum": [role.slug for role in Role]})
class RoleField(serializers.Field):
    """A project role by name (``annotator``, ``reviewer``, ``editor``, ``admin``)."""

    default_error_messages = {"invalid": "Choose one of: {choices}."}

    def to_internal_value(self, data):
        if isinstance(data, str) and data.upper() in Role.names:
            return Role.from_slug(data)
        self.fail("invalid", choices=", ".join(role.slug for role in Role))

    def to_representation(self, value):
        return Role(value).slug


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: strings, floats and booleans are refused rather than coerced."""

    default_error_messages = {"invalid": "Must be a whole number (a JSON integer)."}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class IdField(StrictIntegerField):
    """The id of an object; ids the caller cannot see answer 404, not 400."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)


class OptionalURLField(serializers.URLField):
    """An address that may be unknown, answered as null rather than "" (an empty string is no URL,
    so a client reading the schema's ``format: uri`` would refuse it)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None


# Lone surrogates (U+D800..U+DFFF): JSON can carry them as escapes, no UTF-8 text can.
SURROGATE = re.compile("[\ud800-\udfff]")


class ProhibitSurrogates(ProhibitSurrogateCharactersValidator):
    """DRF's refusal of surrogates without DRF's walk over the text a character at a time in
    Python (a third of a bulk article import's time): an ASCII string (Python knows, without
    looking) holds none, any other is scanned once by a regular expression."""

    def __call__(self, value):
        value = str(value)
        if value.isascii():
            return
        found = SURROGATE.search(value)
        if found:
            raise ValidationError(self.message.format(code_point=ord(found.group())), code=self.code)


class OneScanSurrogates:
    """For a CharField (or a subclass): DRF's surrogate check replaced by :class:`ProhibitSurrogates`."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            ProhibitSurrogates() if isinstance(validator, ProhibitSurrogateCharactersValidator) else validator
            for validator in self.validators
        ]


class TextField(OneScanSurrogates, serializers.CharField):
    """A CharField checked for surrogates in one scan at most: for long texts (articles,
    rationales) and for the fields of items that come by the hundred (bulk imports)."""


class URLTextField(OneScanSurrogates, serializers.URLField):
    """A URLField checked for surrogates as :class:`TextField` is."""
