"""Forms of the pages. They parse input the way the API's input serializers do; the rules live
in the services, whose ValidationErrors :func:`add_service_error` places on these forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from annotations.limits import (
    MAX_EVIDENCE,
    QUOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SEARCH_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    USERNAME_MAX_LENGTH,
)
from annotations.models import Confidence, DisagreementKind, DisagreementStatus, Rating, Role, Stance, Status
from annotations.models.annotations import CLAIM_MAX_LENGTH
from annotations.models.articles import (
    AUTHOR_MAX_LENGTH,
    LANGUAGE_MAX_LENGTH,
    PUBLISHER_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from annotations.models.review import RESOLUTION_MAX_LENGTH
from annotations.models.verdicts import EVIDENCE_QUOTE_MAX_LENGTH, RATIONALE_MAX_LENGTH
from annotations.selectors.review import SEVERITIES
from annotations.services.articles import text_of
from sources.models import SOURCE_TITLE_MAX_LENGTH, Kind, Reliability
from sources.normalization import MAX_URL_LENGTH, normalize_url
from workbench.filters import MAX_ID

ROLE_CHOICES = [(role.slug, role.label) for role in Role]


def add_service_error(form: forms.BaseForm, error: ValidationError, *, aliases: dict | None = None) -> None:
    """Put a service's ValidationError on ``form``: reasons keyed by one of the form's fields go
    next to that field (``aliases`` renames keys first), everything else to the top of the form."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, reasons in error.error_dict.items():
        field = aliases.get(key, key)
        form.add_error(field if field in form.fields else None, reasons)


class PageForm(forms.Form):
    """Labels without a trailing colon, and ids prefixed by ``id_prefix`` so that several forms
    share one page (the reader holds the annotate, claim and verdict forms)."""

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A browser cuts a paste at maxlength without a word; data-maxlength keeps it whole, so
            # the form's message says what is too long, and static/js/counters.js counts it.
            if "maxlength" in field.widget.attrs:
                field.widget.attrs["data-maxlength"] = field.widget.attrs.pop("maxlength")


class AnnotateForm(PageForm):
    """A selection of the article's current text, in code points, as the reader's script sends it."""

    id_prefix = "annotate"

    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quote = forms.CharField(strip=False, max_length=QUOTE_MAX_LENGTH, widget=forms.HiddenInput)
    revision = forms.IntegerField(widget=forms.HiddenInput)
    # Set by "Save this long highlight": the reader asks before saving a long selection.
    confirm_long = forms.BooleanField(required=False, widget=forms.HiddenInput)
    claim = forms.CharField(
        required=False,
        max_length=CLAIM_MAX_LENGTH,
        label="Claim in neutral words (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.article = article

    def clean_quote(self):
        # Browsers send every line break in a form as CRLF; canonical texts hold none (only LF).
        return self.cleaned_data["quote"].replace("\r\n", "\n")

    def clean(self):
        data = super().clean()
        revision = data.get("revision")
        if self.article is not None and revision is not None and revision != self.article.current_revision_id:
            raise ValidationError(
                "The article's text changed since this page was opened. Reload the page and select "
                "the words again.",
                code="stale_revision",
            )
        return data

    def messages(self) -> list[str]:
        """Every error as a sentence: the selection's fields are hidden, so none has a place of its own."""
        return [
            reason if field == "__all__" else f"{self.fields[field].label or field.capitalize()}: {reason}"
            for field, reasons in self.errors.items()
            for reason in reasons
        ]

    def selection(self) -> dict:
        data = self.cleaned_data
        return {
            "start": data["start"],
            "end": data["end"],
            "quote": data["quote"],
            "claim": data.get("claim", ""),
        }


class ClaimForm(PageForm):
    id_prefix = "claimedit"

    claim = forms.CharField(
        required=False,
        max_length=CLAIM_MAX_LENGTH,
        label="Claim in neutral words",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class RecutForm(PageForm):
    """A claim's new span, in code points of its text: the panel's word keys, or a new selection,
    fill these in."""

    id_prefix = "recut"

    start = forms.IntegerField(min_value=0, label="New start")
    end = forms.IntegerField(min_value=1, label="New end")
    version = forms.IntegerField(widget=forms.HiddenInput)


class DeleteClaimForm(PageForm):
    id_prefix = "delete"

    confirm = forms.BooleanField(
        label="Yes, delete this claim",
        error_messages={"required": "Tick “Yes, delete this claim” to delete it."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class VerdictForm(PageForm):
    id_prefix = "verdict"

    rating = forms.ChoiceField(choices=Rating.choices, widget=forms.RadioSelect, label="Rating")
    confidence = forms.ChoiceField(
        choices=Confidence.choices, widget=forms.RadioSelect, label="Confidence", initial=Confidence.MEDIUM
    )
    rationale = forms.CharField(
        required=False,
        max_length=RATIONALE_MAX_LENGTH,
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def verdict_fields(self) -> dict:
        data = self.cleaned_data
        return {"rating": data["rating"], "confidence": data["confidence"], "rationale": data["rationale"]}


class EvidenceForm(PageForm):
    url = forms.CharField(max_length=MAX_URL_LENGTH, label="Source URL", widget=forms.URLInput)
    title = forms.CharField(max_length=SOURCE_TITLE_MAX_LENGTH, required=False, label="Source title")
    stance = forms.ChoiceField(choices=[("", "Choose…"), *Stance.choices], label="Stance")
    quote = forms.CharField(
        max_length=EVIDENCE_QUOTE_MAX_LENGTH,
        required=False,
        strip=False,
        label="Quoted passage",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_url(self):
        return normalize_url(self.cleaned_data["url"])


class BaseEvidenceFormSet(forms.BaseFormSet):
    def items(self) -> list[dict]:
        """The evidence rows to keep, in the services' EvidenceInput shape."""
        return [
            {
                "url": form.cleaned_data["url"],
                "title": form.cleaned_data.get("title", ""),
                "stance": form.cleaned_data["stance"],
                "quote": form.cleaned_data.get("quote", ""),
            }
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


EvidenceFormSet = forms.formset_factory(
    EvidenceForm,
    formset=BaseEvidenceFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_EVIDENCE,
    validate_max=True,
    absolute_max=MAX_EVIDENCE + 10,
)


class ImportArticleForm(PageForm):
    FORMATS = [("text", "Plain text"), ("html", "HTML")]

    title = forms.CharField(max_length=TITLE_MAX_LENGTH, label="Title")
    body = forms.CharField(
        max_length=TEXT_MAX_LENGTH,
        strip=False,
        label="Article text",
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Paste the article. Paragraphs are separated by a blank line; HTML is reduced to its text.",
    )
    format = forms.ChoiceField(choices=FORMATS, initial="text", widget=forms.RadioSelect, label="Pasted as")
    url = forms.URLField(
        max_length=MAX_URL_LENGTH, required=False, label="Address (URL)", assume_scheme="https"
    )
    publisher = forms.CharField(max_length=PUBLISHER_MAX_LENGTH, required=False, label="Publisher")
    author = forms.CharField(max_length=AUTHOR_MAX_LENGTH, required=False, label="Author")
    published_at = forms.DateTimeField(
        required=False,
        label="Published",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    language = forms.CharField(
        max_length=LANGUAGE_MAX_LENGTH,
        required=False,
        label="Language",
        help_text="A language tag such as en, pt or ko.",
    )

    def clean_published_at(self):
        value = self.cleaned_data["published_at"]
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value

    def clean(self):
        data = super().clean()
        if "body" in data and "format" in data:
            # The same check the API's input makes, so that all errors show at once.
            try:
                text_of(**{data["format"]: data["body"]})
            except ValidationError as error:
                self.add_error("body", error.messages)
        return data

    def article_fields(self) -> dict:
        data = dict(self.cleaned_data)
        body, body_format = data.pop("body"), data.pop("format")
        fields = {key: value for key, value in data.items() if value not in ("", None)}
        fields[body_format] = body
        return fields


class ArticleFilterForm(PageForm):
    q = forms.CharField(
        required=False, max_length=SEARCH_MAX_LENGTH, label="Search titles, publishers and authors"
    )
    status = forms.ChoiceField(
        required=False, choices=[("", "Any"), *Status.choices], label="Has claims that are"
    )
    awaiting = forms.BooleanField(required=False, label="Only articles with claims awaiting my verdict")


class SourceFilterForm(PageForm):
    q = forms.CharField(
        required=False, max_length=SEARCH_MAX_LENGTH, label="Search URLs, titles and publishers"
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), *Kind.choices], label="Kind")
    reliability = forms.ChoiceField(
        required=False,
        choices=[("", "Any"), *Reliability.choices, ("unrated", "Unrated")],
        label="Reliability",
    )


class SourceReliabilityForm(PageForm):
    reliability = forms.ChoiceField(
        required=False,
        choices=[("", "Inherit from its domain"), *Reliability.choices],
        label="Reliability",
    )


class AddMemberForm(PageForm):
    username = forms.CharField(max_length=USERNAME_MAX_LENGTH, label="Username")
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.ANNOTATOR.slug, label="Role")

    def cleaned_role(self) -> Role:
        return Role.from_slug(self.cleaned_data["role"])


class MemberRoleForm(PageForm):
    role = forms.ChoiceField(choices=ROLE_CHOICES, label="Role")

    def cleaned_role(self) -> Role:
        return Role.from_slug(self.cleaned_data["role"])


# The review workflow: adjudication, merges, re-opening, and the filters of its pages.


class AdjudicationForm(PageForm):
    """An editor's final rating; its evidence comes in an :data:`EvidenceFormSet` beside it."""

    id_prefix = "adjudicate"

    rating = forms.ChoiceField(choices=Rating.choices, widget=forms.RadioSelect, label="Final rating")
    rationale = forms.CharField(
        max_length=RATIONALE_MAX_LENGTH,
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why this is the final rating. It is published with the rating.",
    )

    def adjudication_fields(self) -> dict:
        return {"rating": self.cleaned_data["rating"], "rationale": self.cleaned_data["rationale"]}


class MergeForm(PageForm):
    id_prefix = "merge"

    keep = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class KeepBothForm(PageForm):
    id_prefix = "keepboth"

    note = forms.CharField(
        required=False,
        max_length=RESOLUTION_MAX_LENGTH,
        label="Why both stay (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(PageForm):
    id_prefix = "reopen"

    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX_LENGTH,
        label="Why re-open it (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DisagreementFilterForm(PageForm):
    ANY = "any"

    status = forms.ChoiceField(
        required=False,
        choices=[*DisagreementStatus.choices, (ANY, "Any")],
        initial=DisagreementStatus.OPEN,
        label="Status",
    )
    kind = forms.ChoiceField(required=False, choices=[("", "Any"), *DisagreementKind.choices], label="Kind")
    severity = forms.ChoiceField(required=False, choices=[("", "Any"), *SEVERITIES], label="Verdicts")
    claim = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, label="Claim number")
    # From a row's "Only this article" link, as in the queues: no list of the project's articles.
    article = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)

    def clean_status(self):
        # No status chosen means the open ones, the list an editor works from.
        return self.cleaned_data["status"] or DisagreementStatus.OPEN


class AgreementScopeForm(PageForm):
    article = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="The whole project", label="Figures for"
    )

    def __init__(self, *args, articles, listed: list[tuple[int, str]], **kwargs):
        """``articles``: those that may be chosen; ``listed``: those the chooser shows
        (:func:`annotations.selectors.articles.chooser_articles`)."""
        super().__init__(*args, **kwargs)
        self.fields["article"].queryset = articles
        self.fields["article"].widget.choices = [("", self.fields["article"].empty_label), *listed]
