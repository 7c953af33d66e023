"""The admin writes sources and domain entries through ``sources.services``, as the API does."""

from django import forms
from django.contrib import admin

from sources.models import Domain, Source
from sources.normalization import normalize_domain, normalize_url
from sources.services import (
    EDITABLE_FIELDS,
    apply_changes,
    check_text,
    get_or_create_source,
    set_domain_reliability,
    update_domain_entry,
    update_source,
)


def become(obj, saved) -> None:
    """Make the admin's unsaved ``obj`` the row a service saved, so the admin logs and links it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding, obj._state.db = False, saved._state.db


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = [
            "project",
            "url",
            "title",
            "publisher",
            "kind",
            "accessed_on",
            "archived_url",
            "reliability",
        ]

    def clean_url(self):
        return normalize_url(self.cleaned_data["url"])

    def clean(self):
        cleaned = super().clean()
        # The service's own checks, tried on a scratch source, so that saving cannot fail.
        apply_changes(Source(), details_of(cleaned))
        return cleaned


def details_of(cleaned_data: dict) -> dict:
    return {name: value for name, value in cleaned_data.items() if name in EDITABLE_FIELDS}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = SourceForm
    list_display = ["url", "project", "domain", "kind", "reliability", "created_at"]
    list_filter = ["kind", "reliability", "project"]
    search_fields = ["url", "title", "publisher"]
    list_select_related = ["project"]

    def get_readonly_fields(self, request, obj=None):
        # The URL is the source's identity (evidence points at it) and the domain follows from it.
        return ["project", "url", "domain"] if obj is not None else ["domain"]

    def save_model(self, request, obj, form, change):
        details = details_of(form.cleaned_data)
        if change:
            source = Source.objects.select_for_update().get(pk=obj.pk)
            update_source(
                source=source, **{name: value for name, value in details.items() if name in form.changed_data}
            )
            return
        source, _created = get_or_create_source(
            project=form.cleaned_data["project"], url=form.cleaned_data["url"], **details
        )
        become(obj, source)


class DomainForm(forms.ModelForm):
    class Meta:
        model = Domain
        fields = ["project", "domain", "reliability", "note"]

    def clean_domain(self):
        return normalize_domain(self.cleaned_data["domain"])

    def clean(self):
        cleaned = super().clean()
        if "note" in cleaned:
            check_text("note", cleaned["note"])
        return cleaned


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    form = DomainForm
    list_display = ["domain", "project", "reliability", "updated_at"]
    list_filter = ["reliability", "project"]
    search_fields = ["domain", "note"]
    list_select_related = ["project"]

    def get_readonly_fields(self, request, obj=None):
        # Sources inherit from the entry of their domain: renaming it would re-rate other sources.
        return ["project", "domain"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            entry = Domain.objects.select_for_update().get(pk=obj.pk)
            changes = {name: form.cleaned_data[name] for name in ("reliability", "note")}
            update_domain_entry(entry=entry, **{k: v for k, v in changes.items() if k in form.changed_data})
            return
        entry, _created = set_domain_reliability(
            project=form.cleaned_data["project"],
            domain=form.cleaned_data["domain"],
            reliability=form.cleaned_data["reliability"],
            note=form.cleaned_data["note"],
        )
        become(obj, entry)
