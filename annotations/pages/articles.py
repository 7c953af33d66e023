"""A project's articles: the list with its filters, and importing or re-importing one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from annotations.limits import SEARCH_MAX_LENGTH
from annotations.models import Status
from annotations.pages.context import paginate, project_context, project_for
from annotations.pages.forms import (
    ArticleFilterForm,
    ImportArticleForm,
    PageForm,
    add_service_error,
)
from annotations.selectors import (
    articles_with_claim_counts,
)
from annotations.selectors.search import mark_matches, with_matches
from annotations.services.articles import import_or_revise_article
from annotations.services.jobs import request_url_import
from sources.normalization import MAX_URL_LENGTH


class ArticleSearchForm(ArticleFilterForm):
    q = forms.CharField(
        required=False,
        max_length=SEARCH_MAX_LENGTH,
        label="Search titles, texts and claims",
        widget=forms.TextInput(attrs={"type": "search"}),
    )


@login_required
@require_GET
def article_list(request, project_id):
    """The project's articles; a search (``q``) lists those whose title, text or claims match,
    each with its matches marked (:mod:`annotations.selectors.search`)."""
    project = project_for(request, project_id)
    form = ArticleSearchForm(request.GET or None)
    articles = articles_with_claim_counts(request.user, project)
    query = ""
    if form.is_valid():
        if query := form.cleaned_data["q"].strip():
            articles = with_matches(articles, query)
        if status := form.cleaned_data["status"]:
            articles = articles.filter(**{f"n_{status}__gt": 0})
        if form.cleaned_data["awaiting"]:
            articles = articles.filter(n_awaiting_me__gt=0)
    page = paginate(request, articles)
    if query:
        mark_matches(page, query)
    context = project_context(project, "articles")
    context.update(form=form, page=page, statuses=Status.choices, query=query)
    return render(request, "annotations/article_list.html", context, status=400 if form.errors else 200)


IMPORTED = "The article is imported. Select the words of a claim to highlight it."


REIMPORTED = "This project had an article with this address: its text is updated as a new revision."


class ImportFromUrlForm(PageForm):
    """The address of an article to fetch; its fields are prefixed ``fetch-`` so that the import
    page's two forms can be told apart."""

    prefix = "fetch"

    url = forms.URLField(
        max_length=MAX_URL_LENGTH,
        label="Web address of the article",
        assume_scheme="https",
        help_text=(
            "The page is fetched and its article text, title, author, publisher, date and language are "
            "read from it. An article of this project with the same address gets the text as a new revision."
        ),
    )


@login_required
def article_import(request, project_id):
    project = project_for(request, project_id)
    fetching = request.method == "POST" and "fetch-url" in request.POST
    fetch_form = ImportFromUrlForm(request.POST if fetching else None)
    form = ImportArticleForm(request.POST if request.method == "POST" and not fetching else None)
    if fetching and fetch_form.is_valid():
        try:
            job = request_url_import(
                actor=request.user, project_id=project.id, url=fetch_form.cleaned_data["url"]
            )
        except ValidationError as error:
            add_service_error(fetch_form, error)
        else:
            return redirect("annotations:import-detail", job_id=job.id)
    elif request.method == "POST" and not fetching and form.is_valid():
        try:
            article, created = import_or_revise_article(
                actor=request.user, project_id=project.id, **form.article_fields()
            )
        except ValidationError as error:
            add_service_error(form, error, aliases={"text": "body", "html": "body"})
        else:
            if created:
                messages.success(
                    request, "The article is imported. Select the words of a claim to highlight it."
                )
            else:
                messages.success(
                    request, "An article with this address existed: its text is updated as a new revision."
                )
            return redirect("annotations:article-detail", article_id=article.id)
    context = project_context(project, "import")
    context.update(form=form, fetch_form=fetch_form)
    status = 400 if form.errors or fetch_form.errors else 200
    return render(request, "annotations/article_import.html", context, status=status)
