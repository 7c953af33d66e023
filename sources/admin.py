from django import forms
from django.contrib import admin

from sources.models import Domain, Source
from sources.normalization import domain_of, normalize_domain, normalize_url


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
        obj.domain = domain_of(obj.url)
        super().save_model(request, obj, form, change)


class DomainForm(forms.ModelForm):
    class Meta:
        model = Domain
        fields = ["project", "domain", "reliability", "note"]

    def clean_domain(self):
        return normalize_domain(self.cleaned_data["domain"])


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    form = DomainForm
    list_display = ["domain", "project", "reliability", "updated_at"]
    list_filter = ["reliability", "project"]
    search_fields = ["domain", "note"]
    list_select_related = ["project"]
