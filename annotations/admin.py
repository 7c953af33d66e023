from django.contrib import admin

from annotations.models import Article, ArticleRevision, Membership, Project


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "required_verdicts", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "project", "publisher", "published_at"]
    list_filter = ["project"]
    search_fields = ["title"]
    list_select_related = ["project"]
    readonly_fields = ["current_revision"]


@admin.register(ArticleRevision)
class ArticleRevisionAdmin(admin.ModelAdmin):
    list_display = ["article", "number", "created_at"]
    readonly_fields = ["article", "number", "text", "created_by"]
