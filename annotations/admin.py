"""The admin writes through the services, as the API and the pages do, and shows read-only what
only a service may change: memberships (the last admin must stay), revisions (re-anchoring)."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from annotations.models import Article, ArticleRevision, Membership, Project
from annotations.services.articles import METADATA, change_article, url_key_of
from annotations.services.projects import change_project_settings, create_project


def become(obj, saved) -> None:
    """Make the admin's unsaved ``obj`` the row a service saved, so the admin logs and links it."""
    for field in type(saved)._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding, obj._state.db = False, saved._state.db


class MembershipInline(admin.TabularInline):
    """Members are changed on the project's members page, which keeps the project an admin."""

    model = Membership
    extra = 0
    can_delete = False
    fields = ["user", "role", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "required_verdicts", "created_at"]
    search_fields = ["name"]
    fields = ["name", "required_verdicts", "created_by", "created_at", "members_page"]
    readonly_fields = ["created_by", "created_at", "members_page"]
    inlines = [MembershipInline]

    @admin.display(description="Members")
    def members_page(self, project):
        if project.pk is None:
            return "You become the admin of the project you add; add members on its members page."
        url = reverse("annotations:member-list", args=[project.pk])
        return format_html('<a href="{}">Add, change or remove members on the members page</a>', url)

    def save_model(self, request, obj, form, change):
        if not change:
            become(obj, create_project(creator=request.user, **form.cleaned_data))
            return
        project = Project.objects.select_for_update(no_key=True).get(pk=obj.pk)
        change_project_settings(
            project=project, **{name: form.cleaned_data[name] for name in form.changed_data}
        )


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = list(METADATA)

    def clean_url(self):
        url = self.cleaned_data["url"]
        url_key_of(url)
        return url


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Articles are imported with their text (API or pages); here only their metadata changes."""

    form = ArticleAdminForm
    list_display = ["title", "project", "publisher", "published_at"]
    list_filter = ["project"]
    search_fields = ["title"]
    list_select_related = ["project"]
    readonly_fields = ["project", "url_key", "current_revision", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        article = Article.objects.select_for_update(no_key=True).get(pk=obj.pk)
        change_article(article=article, **{name: form.cleaned_data[name] for name in form.changed_data})


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    """Revisions are immutable; a new one is added by re-importing, which re-anchors annotations."""

    list_display = ["article", "number", "created_at"]
    readonly_fields = ["article", "number", "text", "created_by", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
