"""Filters for the API's lists whose values reach the database only in a form it accepts.

django-filter's own ``NumberFilter`` and ``IsoDateTimeFilter`` pass on values that Python reads
but a database refuses, and a refusal there is a 500: SQLite cannot compare a foreign key with
a number beyond 64 bits (``?project=1e300``), PostgreSQL refuses UTC offsets beyond ±15:59
(``?created_after=2024-01-01T00:00:00+22:00``), which Python accepts up to ±23:59.
"""

from datetime import UTC

import django_filters
from django import forms
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An object's id: a whole number from 1 to 2**63 - 1; anything else answers 400."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None


class UtcDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            message = "Give a date-time from year 1 to 9999 in UTC."
            raise forms.ValidationError(message, code="invalid") from None


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time, with or without a UTC offset, compared in UTC."""

    field_class = UtcDateTimeField


BLANK = "Give a value, or leave the parameter out."


def blank_values(filterset: django_filters.FilterSet) -> dict[str, list[str]]:
    """``{name: [reason]}`` for each filter given an empty value that its schema does not admit.

    django-filter reads ``?rating=`` as no filter at all, but the schema gives such a parameter an
    enum, a number, a date-time or a boolean, and none of those is empty: a client that sends one
    has a bug it should hear about. Text filters (a search, a username) may be empty, as their
    schema says, and so may an ordering (an empty list of fields).
    """
    data = filterset.data
    return {
        name: [BLANK]
        for name, filter_ in filterset.filters.items()
        if not isinstance(filter_, (django_filters.CharFilter, django_filters.OrderingFilter))
        and name in data
        and "" in (data.getlist(name) if hasattr(data, "getlist") else [data[name]])
    }


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing empty values where the schema admits none (:func:`blank_values`).

    Lists are filtered; one object named by its id is not (DRF would filter a detail too, so that
    ``?project=`` could 404 it): its schema lists no filter, and building the filter set was a
    third of a detail's cost.
    """

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "detail", False):
            return queryset
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if errors := blank_values(filterset):
            raise ValidationError(errors, code="blank")
        if not filterset.is_valid() and self.raise_exception:
            raise translate_validation(filterset.errors)
        return filterset.qs
