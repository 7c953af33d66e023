"""The planned list serializer (workbench/serializers.py) writes what DRF's own list writes."""

import pytest
from rest_framework import serializers

from annotations.api.articles import LISTED_COLUMNS, ArticleListSerializer
from annotations.models import Article
from tests.factories import make_article, make_desk

pytestmark = pytest.mark.django_db


class PlainArticleSerializer(ArticleListSerializer):
    """The same fields, written by DRF's ListSerializer."""

    class Meta(ArticleListSerializer.Meta):
        list_serializer_class = serializers.ListSerializer


def test_the_planned_list_writes_what_drf_writes_for_instances_and_values_rows():
    desk = make_desk()
    make_article(desk, title="With an address", url="https://news.example.org/a", publisher="Daily")
    make_article(desk, title="Without", language="pt")
    articles = Article.objects.select_related("current_revision", "created_by").order_by("id")
    expected = PlainArticleSerializer(articles, many=True).data
    assert expected[1]["url"] is None and expected[1]["published_at"] is None
    assert ArticleListSerializer(articles, many=True).data == expected
    rows = Article.objects.order_by("id").values(*LISTED_COLUMNS)
    assert ArticleListSerializer(rows, many=True).data == expected
    assert ArticleListSerializer([], many=True).data == []


def test_a_field_the_plan_cannot_read_is_left_to_drf():
    """A row missing a relation (a values() row without the creator) gets what DRF gives: a
    read-only field with nothing to read is left out."""
    desk = make_desk()
    make_article(desk)
    columns = [column for column in LISTED_COLUMNS if column != "created_by__username"]
    (row,) = ArticleListSerializer(Article.objects.values(*columns), many=True).data
    assert "created_by" not in row and row["revision"] == 1
