from operator import attrgetter, itemgetter

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesIterable
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class IdsFirstPaginator(Paginator):
    """Django's paginator, but a page past ``deep_offset`` rows reads its rows' ids first.

    With OFFSET, the database builds every row before the page and drops it: its joins, its
    annotations (blind review's per-row subqueries), its prefetches' keys. So a page's cost grew
    with its number. A deep page instead reads the ids of its rows alone (``values_list("pk")``,
    the list's filters and order, none of its select-only columns: an index scan where the order
    has an index), then the rows of those ids, whole, in that order. Two queries instead of one,
    so only past the first pages, where the saving outweighs the second query.
    """

    deep_offset = 1000

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        key = self.row_key(rows)
        if bottom < self.deep_offset or key is None:
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(rows.values_list("pk", flat=True)[bottom:top])
        found = {key(row): row for row in rows.filter(pk__in=ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)

    @staticmethod
    def row_key(rows):
        """How a row of ``rows`` gives its id: model instances and ``values()`` rows holding
        ``id``; None for anything else, which is paged by OFFSET."""
        if not isinstance(rows, QuerySet):
            return None
        if rows._iterable_class is ModelIterable:
            return attrgetter("pk")
        if rows._iterable_class is ValuesIterable and "id" in rows.query.values_select:
            return itemgetter("id")
        return None


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of ``REST_FRAMEWORK["PAGE_SIZE"]`` (50) by default; ``page_size`` asks for 1 to 500,
    anything else is a 400.

    A list that reaches it unordered is paged in id order: pages of an unordered list may repeat
    or skip rows. An empty ``?ordering=,`` does that, as django-filter's OrderingFilter then
    orders by nothing, dropping the view's own order.

    Deep pages cost about what the first ones do (:class:`IdsFirstPaginator`), so clients page by
    number as far as they like.
    """

    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = IdsFirstPaginator

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [f"Give a whole number from 1 to {self.max_page_size}."]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None):
        if isinstance(queryset, QuerySet) and not queryset.ordered:
            queryset = queryset.order_by("pk")
        return super().paginate_queryset(queryset, request, view)
