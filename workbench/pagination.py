from django.db.models import QuerySet
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """Pages of ``REST_FRAMEWORK["PAGE_SIZE"]`` (50) by default; ``page_size`` asks for 1 to 500,
    anything else is a 400.

    A list that reaches it unordered is paged in id order: pages of an unordered list may repeat
    or skip rows. An empty ``?ordering=,`` does that, as django-filter's OrderingFilter then
    orders by nothing, dropping the view's own order.
    """

    page_size_query_param = "page_size"
    max_page_size = 500

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
