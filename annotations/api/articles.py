from collections.abc import Mapping

import django_filters
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from annotations.api.fields import IdField, OptionalURLField, TextField, URLTextField
from annotations.api.jobs import ImportJobSerializer, job_accepted
from annotations.limits import MAX_BULK, SEARCH_MAX_LENGTH, TEXT_MAX_LENGTH
from annotations.models import Article, ArticleRevision
from annotations.models.articles import (
    AUTHOR_MAX_LENGTH,
    LANGUAGE_MAX_LENGTH,
    PUBLISHER_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from annotations.selectors import articles_visible_to
from annotations.selectors.search import matching_articles
from annotations.services.articles import (
    add_revision,
    import_articles,
    import_or_revise_article,
    text_of,
    update_article,
    url_key_of,
)
from annotations.services.jobs import request_url_import
from sources.normalization import MAX_URL_LENGTH
from workbench.filters import DateTimeFilter, IdFilter
from workbench.serializers import PlannedListSerializer


def canonical_of(data) -> str:
    """The canonical text of an article input's ``text`` or ``html`` (exactly one of them)."""
    if ("text" in data) == ("html" in data):
        raise serializers.ValidationError({"text": ["Give the article's text or its html (one of them)."]})
    return text_of(text=data.get("text"), html=data.get("html"))


class ArticleTextInput(serializers.Serializer):
    text = TextField(required=False, trim_whitespace=False, max_length=TEXT_MAX_LENGTH)
    html = TextField(required=False, trim_whitespace=False, max_length=TEXT_MAX_LENGTH)

    def validate(self, data):
        canonical_of(data)
        return data


class ArticleMetadataInput(serializers.Serializer):
    # TextField for short fields too: DRF's own surrogate check walks each value in Python.
    title = TextField(max_length=TITLE_MAX_LENGTH)
    url = URLTextField(
        max_length=MAX_URL_LENGTH,
        required=False,
        allow_blank=True,
        help_text="An import with the address (normalized) of an article of the project re-imports it.",
    )
    publisher = TextField(max_length=PUBLISHER_MAX_LENGTH, required=False, allow_blank=True)
    author = TextField(max_length=AUTHOR_MAX_LENGTH, required=False, allow_blank=True)
    published_at = serializers.DateTimeField(required=False, allow_null=True)
    language = TextField(max_length=LANGUAGE_MAX_LENGTH, required=False, allow_blank=True)

    def validate_url(self, url):
        url_key_of(url)
        return url


class ImportArticleInput(ArticleTextInput, ArticleMetadataInput):
    project = IdField()


class BulkArticleItem(ImportArticleInput):
    """An item of a bulk import. Its validated data also carry what the checks computed, the
    canonical text (``canonical``) and the url key (``url_key``), for ``import_articles(checked=True)``:
    computing them again cost as much as the checks."""

    def validate(self, data):
        return {**data, "canonical": canonical_of(data), "url_key": url_key_of(data.get("url") or "")}


class ImportArticleFromUrlInput(ArticleMetadataInput):
    """An import of the page at ``url``, fetched and extracted by a background worker; the metadata
    given here wins over what the page says."""

    project = IdField()
    url = serializers.URLField(
        max_length=MAX_URL_LENGTH,
        help_text=(
            "The page to fetch (http or https, a public address). An article of the project with this "
            "address (normalized) gets the page's text as a new revision."
        ),
    )
    title = serializers.CharField(
        max_length=TITLE_MAX_LENGTH, required=False, help_text="Instead of the page's own title."
    )


def is_url_import(data) -> bool:
    """A body with a ``url`` and neither ``text`` nor ``html`` asks for the page to be fetched."""
    return isinstance(data, Mapping) and "url" in data and "text" not in data and "html" not in data


class UpdateArticleInput(ArticleMetadataInput):
    """The metadata a PATCH may change; naming any other field is a 400 that says where it goes."""

    title = serializers.CharField(max_length=TITLE_MAX_LENGTH, required=False)

    def to_internal_value(self, data):
        names = data if isinstance(data, Mapping) else ()
        refused = {name: [self.refusal(name)] for name in names if name not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError({**refused, **error.detail}) from None
        if refused:
            raise serializers.ValidationError(refused)
        return value

    def refusal(self, name: str) -> str:
        if name in ("text", "html"):
            revisions = reverse("api:article-revisions", args=[self.context["article_id"]])
            return f"A changed text is a new revision: POST it to {revisions}."
        if name in ArticleSerializer.Meta.fields:
            return "This field cannot be changed."
        return "Unknown field."


@extend_schema_field(ImportArticleInput(many=True, min_length=1, max_length=MAX_BULK))
class ArticleItemsField(serializers.ListField):
    """Items read as plain objects, each validated on its own so that an error names its position."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.DictField(), min_length=1, max_length=MAX_BULK, **kwargs)


class BulkArticlesInput(serializers.Serializer):
    articles = ArticleItemsField()

    def validate_articles(self, items):
        """Validate every item, naming each bad one by its position in the list."""
        valid, errors = [], {}
        # One serializer for every item, as DRF's list serializers do: building its fields anew
        # for each item cost more than validating it.
        child = BulkArticleItem()
        for index, item in enumerate(items):
            try:
                valid.append(child.run_validation(item))
            except serializers.ValidationError as error:
                errors[index] = serializers.as_serializer_error(error)
        if errors:
            raise serializers.ValidationError(errors)
        return valid


class RevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    length = serializers.SerializerMethodField()

    class Meta:
        model = ArticleRevision
        fields = ["number", "created_at", "created_by", "length", "text"]
        read_only_fields = fields

    def get_length(self, revision) -> int:
        return len(revision.text)


class ArticleListSerializer(serializers.ModelSerializer):
    url = OptionalURLField(max_length=MAX_URL_LENGTH, help_text="The article's address; null when unknown.")
    revision = serializers.IntegerField(source="current_revision.number", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "project",
            "title",
            "url",
            "publisher",
            "author",
            "published_at",
            "language",
            "revision",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields
        list_serializer_class = PlannedListSerializer


# What the list's rows read: ArticleListSerializer's fields.
LISTED_COLUMNS = [
    *("id", "project", "title", "url", "publisher", "author", "published_at", "language", "created_at"),
    "current_revision__number",
    "created_by__username",
]


class ArticleSerializer(ArticleListSerializer):
    text = serializers.CharField(source="current_revision.text", read_only=True)

    class Meta(ArticleListSerializer.Meta):
        fields = [*ArticleListSerializer.Meta.fields, "text"]
        read_only_fields = fields


class ImportedArticleSerializer(ArticleListSerializer):
    created = serializers.SerializerMethodField()

    class Meta(ArticleListSerializer.Meta):
        fields = [*ArticleListSerializer.Meta.fields, "created"]
        read_only_fields = fields

    def get_created(self, article) -> bool:
        """False when the item re-imported an existing article (or one of an earlier item)."""
        return self.context["created"]


class ArticleFilter(django_filters.FilterSet):
    project = IdFilter(field_name="project_id")
    q = django_filters.CharFilter(
        method="filter_q",
        max_length=SEARCH_MAX_LENGTH,
        label=(
            "Search: the title, publisher or author contains it, or the article's current text or one of "
            "its claims matches it (on PostgreSQL by full-text search; quote a phrase)"
        ),
    )
    publisher = django_filters.CharFilter(lookup_expr="iexact")
    language = django_filters.CharFilter(lookup_expr="iexact")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")
    published_after = DateTimeFilter(field_name="published_at", lookup_expr="gte")
    published_before = DateTimeFilter(field_name="published_at", lookup_expr="lt")
    ordering = django_filters.OrderingFilter(fields=["id", "title", "created_at", "published_at"])

    class Meta:
        model = Article
        fields = []

    def filter_q(self, queryset, name, value):
        return matching_articles(queryset, value)


@extend_schema_view(
    list=extend_schema(summary="Articles of the caller's projects (without their text)"),
    retrieve=extend_schema(summary="An article with its current canonical text"),
    create=extend_schema(
        request=PolymorphicProxySerializer(
            component_name="ImportArticle",
            serializers=[ImportArticleInput, ImportArticleFromUrlInput],
            resource_type_field_name=None,
        ),
        responses={
            201: ArticleSerializer,
            200: ArticleSerializer,
            202: OpenApiResponse(
                ImportJobSerializer,
                description=(
                    "A `url` without `text` or `html`: the page is queued to be fetched by a worker. The "
                    "answer is the job; its `url` (also in Location) tells its progress."
                ),
            ),
        },
        parameters=[
            OpenApiParameter(
                "Location",
                str,
                OpenApiParameter.HEADER,
                response=[202],
                description="The import job's address (its `url`).",
            )
        ],
        summary="Import an article from text or html, or from its URL",
        description=(
            "Creates the article (201). When the project already has an article with the same `url`, "
            "the import is a re-import: a changed text adds a revision and re-anchors its annotations (200). "
            "With a `url` and no `text` or `html`, the page is fetched and its article extracted in the "
            "background (202, with the job): only public http(s) addresses are fetched, HTML only, within "
            "a size and time limit; a failure is the job's `error`."
        ),
    ),
    partial_update=extend_schema(request=UpdateArticleInput, summary="Change an article's metadata"),
)
class ArticleViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    filterset_class = ArticleFilter
    lookup_value_regex = r"\d+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        articles = (
            articles_visible_to(self.request.user).select_related("created_by").order_by("-created_at", "-id")
        )
        # A list (and a bulk import's answer) shows the revision's number and the creator's name
        # only; reading every article's whole text with it made each page cost as much as the
        # texts weigh, and each row's user and revision whole a third of its reading.
        if self.action == "list":
            # Rows as dictionaries: a page of 100 read as model instances cost three times as much.
            return articles.values(*LISTED_COLUMNS)
        return articles.only(*LISTED_COLUMNS) if self.action == "bulk" else articles

    def get_serializer_class(self):
        return ArticleListSerializer if self.action == "list" else ArticleSerializer

    def create(self, request):
        if is_url_import(request.data):
            payload = ImportArticleFromUrlInput(data=request.data)
            payload.is_valid(raise_exception=True)
            data = dict(payload.validated_data)
            job = request_url_import(actor=request.user, project_id=data.pop("project"), **data)
            return job_accepted(request, job)
        payload = ImportArticleInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        article, created = import_or_revise_article(
            actor=request.user, project_id=data.pop("project"), **data
        )
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(ArticleSerializer(self.fresh(article)).data, status=code)

    def fresh(self, article):
        return self.get_queryset().get(pk=article.pk)

    def partial_update(self, request, pk=None):
        payload = UpdateArticleInput(data=request.data, partial=True, context={"article_id": pk})
        payload.is_valid(raise_exception=True)
        article = update_article(actor=request.user, article_id=pk, **payload.validated_data)
        return Response(ArticleSerializer(self.fresh(article)).data)

    @extend_schema(
        request=BulkArticlesInput,
        responses={201: ImportedArticleSerializer(many=True)},
        summary=f"Import up to {MAX_BULK} articles, all or nothing",
        description=(
            "A bad item fails the whole request: `{articles: {position: {field: [reason]}}}`. An item with "
            "the `url` of an article of its project (or of an earlier item) re-imports that article, as a "
            "single import does: a changed text adds a revision. The answer has one entry per item, in "
            "order; `created` is false for a re-import."
        ),
    )
    @action(detail=False, methods=["post"], url_path="bulk")
    def bulk(self, request):
        payload = BulkArticlesInput(data=request.data)
        payload.is_valid(raise_exception=True)
        imported = import_articles(actor=request.user, items=payload.validated_data["articles"], checked=True)
        fresh = self.get_queryset().in_bulk([article.pk for article, _created in imported])
        rows = ArticleListSerializer([fresh[article.pk] for article, _created in imported], many=True).data
        data = [{**row, "created": created} for row, (_article, created) in zip(rows, imported, strict=True)]
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["get"],
        responses=RevisionSerializer(many=True),
        summary="The article's revisions, oldest first",
    )
    @extend_schema(
        methods=["post"],
        request=ArticleTextInput,
        responses={
            201: ArticleSerializer,
            200: OpenApiResponse(ArticleSerializer, description="Text unchanged"),
        },
        summary="Add a revision (a changed text) and re-anchor the article's annotations",
    )
    @action(detail=True, methods=["get", "post"])
    def revisions(self, request, pk=None):
        if request.method == "POST":
            payload = ArticleTextInput(data=request.data)
            payload.is_valid(raise_exception=True)
            article, changed = add_revision(actor=request.user, article_id=pk, **payload.validated_data)
            code = status.HTTP_201_CREATED if changed else status.HTTP_200_OK
            return Response(ArticleSerializer(self.fresh(article)).data, status=code)
        article = self.get_object()
        revisions = (
            ArticleRevision.objects.filter(article=article).select_related("created_by").order_by("number")
        )
        page = self.paginate_queryset(revisions)
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)
