"""A project's articles: the list with its filters, and importing or re-importing one."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

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
from annotations.services.articles import import_or_revise_article
from annotations.services.jobs import request_url_import
from sources.normalization import MAX_URL_LENGTH


@login_required
@require_GET
def article_list(request, project_id):
    project = project_for(request, project_id)
    form = ArticleFilterForm(request.GET or None)
    articles = articles_with_claim_counts(request.user, project)
    if form.is_valid():
        if q := form.cleaned_data["q"].strip():
            articles = articles.filter(
                Q(title__icontains=q) | Q(publisher__icontains=q) | Q(author__icontains=q)
            )
        if status := form.cleaned_data["status"]:
            articles = articles.filter(**{f"n_{status}__gt": 0})
        if form.cleaned_data["awaiting"]:
            articles = articles.filter(n_awaiting_me__gt=0)
    context = project_context(project, "articles")
    context.update(form=form, page=paginate(request, articles), statuses=Status.choices)
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
