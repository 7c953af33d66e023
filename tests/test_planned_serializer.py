"""The planned list serializer (workbench/serializers.py) writes what DRF's own list writes."""

import pytest
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from annotations.api.annotations import AnnotationSerializer
from annotations.api.articles import LISTED_COLUMNS, ArticleListSerializer
from annotations.api.verdicts import EvidenceSerializer, VerdictSerializer
from annotations.models import Article, Evidence, Verdict
from annotations.selectors import annotations_visible_to
from tests.factories import make_annotation, make_article, make_desk, make_verdict

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


def test_claims_with_verdicts_and_evidence_are_written_in_a_list_as_one_by_one():
    """The claims' list, its verdicts and their evidence are planned lists (each nested list
    planned once, then reused for every parent row): each row equals what DRF writes for that
    object alone."""
    desk = make_desk()
    article = make_article(desk, text="The minister said the tax fell. Crime rose by ten percent.")
    claim = make_annotation(desk, article=article, quote="the tax fell", tags=["tax", "budget"])
    other = make_annotation(desk, article=article, quote="Crime rose")
    for reviewer, rating in zip(desk.reviewers, ("false", "mostly_false"), strict=True):
        make_verdict(
            annotation=claim,
            reviewer=reviewer,
            rating=rating,
            rationale=f"By {reviewer.username}",
            evidence=[
                {"url": "https://stats.example.org/tax", "title": "Tax table", "stance": "refutes"},
                {"url": "https://news.example.org/b", "stance": "context", "quote": "fell"},
            ],
        )
    request = APIRequestFactory().get("/")
    request.user = desk.editor
    context = {"request": Request(request)}
    claims = list(annotations_visible_to(desk.editor).filter(pk__in=[claim.pk, other.pk]).order_by("id"))
    listed = AnnotationSerializer(claims, many=True, context=context).data
    assert [row["id"] for row in listed] == [claim.pk, other.pk]
    assert len(listed[0]["verdicts"]) == 2 and len(listed[0]["verdicts"][1]["evidence"]) == 2
    assert listed[1]["verdicts"] == []
    assert listed == [AnnotationSerializer(one, context=context).data for one in claims]
    verdicts = list(Verdict.objects.with_context().order_by("id"))
    assert VerdictSerializer(verdicts, many=True).data == [VerdictSerializer(v).data for v in verdicts]
    evidence = list(Evidence.objects.select_related("source").order_by("id"))
    assert len(evidence) == 4
    assert EvidenceSerializer(evidence, many=True).data == [EvidenceSerializer(e).data for e in evidence]
