from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesIterable
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class IdsFirstPaginator(Paginator):
    """Django's paginator, but a page past ``deep_offset`` rows picks its rows by their ids first.

    With OFFSET, the database builds every row before the page and drops it: its joins, its
    annotations (blind review's per-row subqueries), its prefetches' keys. So a page's cost grew
    with its number. A deep page instead reads the rows whose ids a subquery gives: the ids alone
    (``values("pk")``, the list's filters and order, none of its select-only columns: an index
    scan where the order has an index) by OFFSET, and only those rows whole, in the list's order.
    One query, as on the first pages.
    """

    deep_offset = 1000

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        if bottom < self.deep_offset or not self.by_ids(rows):
            return super().page(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(list(rows.filter(pk__in=rows.values("pk")[bottom:top])), number, self)

    @staticmethod
    def by_ids(rows) -> bool:
        """Whether ``rows`` can be paged by id: a query of model instances or of ``values()``
        rows; anything else is paged by OFFSET."""
        return isinstance(rows, QuerySet) and rows._iterable_class in (ModelIterable, ValuesIterable)


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of ``REST_FRAMEWORK["PAGE_SIZE"]`` (50) by default; ``page_size`` asks for 1 to 500,
    anything else is a 400.

    A list is paged in a total order (:func:`in_a_total_order`): its own, ties broken by id, or id
    order when it reaches the paginator unordered (an empty ``?ordering=,`` does that, as
    django-filter's OrderingFilter then orders by nothing, dropping the view's own order). Pages
    of a partial order may repeat or skip rows.

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
        if isinstance(queryset, QuerySet):
            queryset = in_a_total_order(queryset)
        return super().paginate_queryset(queryset, request, view)


UNIQUE_LAST = {"pk", "-pk", "id", "-id"}


def in_a_total_order(queryset: QuerySet) -> QuerySet:
    """The rows in their order with ties broken by id (in id order when unordered): rows that
    tie on a client's ``?ordering=status`` would otherwise come in whatever order the database
    picks for each page's query, and a page could repeat or skip one."""
    if not queryset.ordered:
        return queryset.order_by("pk")
    order = list(queryset.query.order_by)
    if order and not (isinstance(order[-1], str) and order[-1] in UNIQUE_LAST):
        return queryset.order_by(*order, "pk")
    return queryset
