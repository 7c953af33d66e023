"""Each limit is written once: the models, the API's input serializers, the schema it publishes and
the pages' forms bound every field alike, and the request-shape limits are those of
``annotations.limits``. (The truth scale's test is ``test_the_truth_scale_here_is_the_models`` in
tests/annotations/test_agreement.py.)"""

import pytest
from django.contrib.auth import get_user_model
from drf_spectacular.generators import SchemaGenerator

from annotations import limits
from annotations.api import agreement as agreement_api
from annotations.api import annotations as annotations_api
from annotations.api import articles as articles_api
from annotations.api import projects as projects_api
from annotations.api import review as review_api
from annotations.api import sources as sources_api
from annotations.api import verdicts as verdicts_api
from annotations.models import (
    PUBLISHED_STATUSES,
    Adjudication,
    Annotation,
    Article,
    Disagreement,
    Evidence,
    Project,
    Status,
    Tag,
    Verdict,
)
from annotations.models.projects import MAX_REQUIRED_VERDICTS
from annotations.pages import forms
from sources.models import Domain, Source


def field_of(owner, path: str):
    """A field of a serializer or a form class by its dotted path (``tags.child``)."""
    name, *rest = path.split(".")
    fields = owner.base_fields if hasattr(owner, "base_fields") else owner().fields
    field = fields[name]
    for attribute in rest:
        field = getattr(field, attribute)
    return field


def model_limit(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# (model, field): the API input fields and the form fields that take a value for it.
MODEL_FIELDS = {
    (Annotation, "claim"): (
        [
            (annotations_api.CreateAnnotationInput, "claim"),
            (annotations_api.BulkAnnotationInput, "claim"),
            (annotations_api.UpdateAnnotationInput, "claim"),
        ],
        [(forms.AnnotateForm, "claim"), (forms.ClaimForm, "claim")],
    ),
    (Annotation, "prefix"): ([(annotations_api.CreateAnnotationInput, "prefix")], []),
    (Annotation, "suffix"): ([(annotations_api.CreateAnnotationInput, "suffix")], []),
    (Tag, "name"): (
        [
            (annotations_api.CreateAnnotationInput, "tags.child"),
            (annotations_api.UpdateAnnotationInput, "tags.child"),
            (agreement_api.AgreementQueryInput, "tag"),
        ],
        [],
    ),
    (Verdict, "rationale"): (
        [
            (verdicts_api.SubmitVerdictInput, "rationale"),
            (verdicts_api.EditVerdictInput, "rationale"),
            (annotations_api.BulkVerdictInput, "rationale"),
        ],
        [(forms.VerdictForm, "rationale")],
    ),
    (Adjudication, "rationale"): (
        [(review_api.AdjudicateInput, "rationale"), (review_api.AcceptConvergedInput, "rationale")],
        [(forms.AdjudicationForm, "rationale")],
    ),
    (Disagreement, "resolution"): (
        [(review_api.KeepBothInput, "note"), (review_api.MergeInput, "note")],
        [(forms.KeepBothForm, "note")],
    ),
    (Evidence, "quote"): ([(verdicts_api.EvidenceInput, "quote")], [(forms.EvidenceForm, "quote")]),
    (Source, "url"): (
        [(verdicts_api.EvidenceInput, "url"), (sources_api.CreateSourceInput, "url")],
        [(forms.EvidenceForm, "url")],
    ),
    (Source, "title"): (
        [
            (verdicts_api.EvidenceInput, "title"),
            (sources_api.CreateSourceInput, "title"),
            (sources_api.UpdateSourceInput, "title"),
        ],
        [(forms.EvidenceForm, "title")],
    ),
    (Source, "publisher"): (
        [(sources_api.CreateSourceInput, "publisher"), (sources_api.UpdateSourceInput, "publisher")],
        [],
    ),
    (Source, "archived_url"): (
        [(sources_api.CreateSourceInput, "archived_url"), (sources_api.UpdateSourceInput, "archived_url")],
        [],
    ),
    (Domain, "note"): (
        [(sources_api.SetDomainReliabilityInput, "note"), (sources_api.UpdateDomainInput, "note")],
        [],
    ),
    (Article, "title"): (
        [(articles_api.ImportArticleInput, "title"), (articles_api.UpdateArticleInput, "title")],
        [(forms.ImportArticleForm, "title")],
    ),
    (Article, "url"): (
        [(articles_api.ImportArticleInput, "url"), (articles_api.UpdateArticleInput, "url")],
        [(forms.ImportArticleForm, "url")],
    ),
    (Article, "url_key"): ([(articles_api.ImportArticleInput, "url")], [(forms.ImportArticleForm, "url")]),
    (Article, "publisher"): (
        [(articles_api.ImportArticleInput, "publisher"), (articles_api.UpdateArticleInput, "publisher")],
        [(forms.ImportArticleForm, "publisher")],
    ),
    (Article, "author"): (
        [(articles_api.ImportArticleInput, "author"), (articles_api.UpdateArticleInput, "author")],
        [(forms.ImportArticleForm, "author")],
    ),
    (Article, "language"): (
        [(articles_api.ImportArticleInput, "language"), (articles_api.UpdateArticleInput, "language")],
        [(forms.ImportArticleForm, "language")],
    ),
    (Project, "name"): (
        [(projects_api.CreateProjectInput, "name"), (projects_api.UpdateProjectInput, "name")],
        [],
    ),
    (get_user_model(), "username"): (
        [(projects_api.AddMemberInput, "username"), (agreement_api.AgreementQueryInput, "reviewer")],
        [(forms.AddMemberForm, "username")],
    ),
}


@pytest.mark.parametrize(
    ("model_field", "inputs"),
    [pytest.param(key, value, id=f"{key[0].__name__}.{key[1]}") for key, value in MODEL_FIELDS.items()],
)
def test_the_api_and_the_forms_take_as_much_as_the_model_field_holds(model_field, inputs):
    """Every API input field and form field for a model field has the model field's max_length."""
    limit = model_limit(*model_field)
    api_fields, form_fields = inputs
    assert limit is not None
    for owner, path in [*api_fields, *form_fields]:
        assert field_of(owner, path).max_length == limit, f"{owner.__name__}.{path}"


# Limits of a request's shape that no model field states: (limit, API fields, form fields, attribute).
REQUEST_LIMITS = {
    "QUOTE_MAX_LENGTH": (
        [(annotations_api.CreateAnnotationInput, "quote"), (annotations_api.BulkAnnotationInput, "quote")],
        [(forms.AnnotateForm, "quote")],
    ),
    "TEXT_MAX_LENGTH": (
        [(articles_api.ImportArticleInput, "text"), (articles_api.ImportArticleInput, "html")],
        [(forms.ImportArticleForm, "body")],
    ),
    "MAX_TAGS": (
        [(annotations_api.CreateAnnotationInput, "tags"), (annotations_api.UpdateAnnotationInput, "tags")],
        [],
    ),
    "MAX_EVIDENCE": (
        [
            (verdicts_api.SubmitVerdictInput, "evidence"),
            (verdicts_api.EditVerdictInput, "evidence"),
            (annotations_api.BulkVerdictInput, "evidence"),
            (review_api.AdjudicateInput, "evidence"),
        ],
        [],
    ),
    "MAX_BULK": (
        [(annotations_api.BulkAnnotationsInput, "annotations"), (articles_api.BulkArticlesInput, "articles")],
        [],
    ),
    "REASON_MAX_LENGTH": ([(annotations_api.ReopenInput, "reason")], [(forms.ReopenForm, "reason")]),
    "SEARCH_MAX_LENGTH": ([], [(forms.ArticleFilterForm, "q"), (forms.SourceFilterForm, "q")]),
    "USERNAME_MAX_LENGTH": (
        [(projects_api.AddMemberInput, "username"), (agreement_api.AgreementQueryInput, "reviewer")],
        [(forms.AddMemberForm, "username")],
    ),
}


@pytest.mark.parametrize(("name", "inputs"), list(REQUEST_LIMITS.items()), ids=list(REQUEST_LIMITS))
def test_the_api_and_the_forms_bound_a_request_by_annotations_limits(name, inputs):
    """Each request-shape limit of annotations.limits is the bound of every API field and form
    field it governs."""
    limit = getattr(limits, name)
    api_fields, form_fields = inputs
    for owner, path in [*api_fields, *form_fields]:
        assert field_of(owner, path).max_length == limit, f"{owner.__name__}.{path}"


def test_the_evidence_formset_takes_as_many_items_as_the_api():
    """The pages' evidence formset refuses more evidence than a verdict may carry through the API."""
    assert forms.EvidenceFormSet.max_num == limits.MAX_EVIDENCE
    assert forms.EvidenceFormSet.validate_max


def test_usernames_are_bounded_by_the_user_model():
    assert model_limit(get_user_model(), "username") == limits.USERNAME_MAX_LENGTH


def test_required_verdicts_are_bounded_as_the_database_constraint_bounds_them():
    """The API refuses the numbers of verdicts the model's check constraint refuses, and proposes
    the model's default."""
    (constraint,) = [c for c in Project._meta.constraints if c.name == "required_verdicts_1_to_20"]
    assert ("required_verdicts__lte", MAX_REQUIRED_VERDICTS) in constraint.condition.children
    for serializer in (projects_api.CreateProjectInput, projects_api.UpdateProjectInput):
        assert field_of(serializer, "required_verdicts").max_value == MAX_REQUIRED_VERDICTS
    default = Project._meta.get_field("required_verdicts").default
    assert field_of(projects_api.CreateProjectInput, "required_verdicts").default == default


def test_published_statuses_are_the_statuses_with_a_final_rating():
    assert set(PUBLISHED_STATUSES) == {Status.AGREED, Status.RESOLVED}


@pytest.fixture(scope="module")
def schema_components():
    return SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]


# (schema component, property): the model field whose limit it documents.
SCHEMA_LIMITS = {
    ("CreateAnnotationInputRequest", "claim"): (Annotation, "claim"),
    ("PatchedUpdateAnnotationInputRequest", "claim"): (Annotation, "claim"),
    ("SubmitVerdictInputRequest", "rationale"): (Verdict, "rationale"),
    ("PatchedEditVerdictInputRequest", "rationale"): (Verdict, "rationale"),
    ("BulkVerdictInputRequest", "rationale"): (Verdict, "rationale"),
    ("AdjudicateInputRequest", "rationale"): (Adjudication, "rationale"),
    ("KeepBothInputRequest", "note"): (Disagreement, "resolution"),
    ("EvidenceInputRequest", "quote"): (Evidence, "quote"),
    ("EvidenceInputRequest", "title"): (Source, "title"),
    ("EvidenceInputRequest", "url"): (Source, "url"),
    ("ImportArticleInputRequest", "title"): (Article, "title"),
    ("ImportArticleInputRequest", "language"): (Article, "language"),
    ("PatchedUpdateDomainInputRequest", "note"): (Domain, "note"),
    ("PatchedUpdateProjectInputRequest", "name"): (Project, "name"),
}


def test_the_schema_documents_the_model_limits(schema_components):
    """A client generated from /api/schema/ bounds each of these fields as the model does."""
    for (component, prop), model_field in SCHEMA_LIMITS.items():
        documented = schema_components[component]["properties"][prop]["maxLength"]
        assert documented == model_limit(*model_field), f"{component}.{prop}"
    tags = schema_components["CreateAnnotationInputRequest"]["properties"]["tags"]
    assert (tags["maxItems"], tags["items"]["maxLength"]) == (limits.MAX_TAGS, model_limit(Tag, "name"))
    quote = schema_components["CreateAnnotationInputRequest"]["properties"]["quote"]
    assert quote["maxLength"] == limits.QUOTE_MAX_LENGTH
    articles = schema_components["BulkArticlesInputRequest"]["properties"]["articles"]
    assert articles["maxItems"] == limits.MAX_BULK
