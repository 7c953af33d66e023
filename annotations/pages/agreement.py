"""The agreement dashboard: the API's agreement report, drawn for editors and reviewers."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotations.pages.context import project_context, project_for
from annotations.pages.forms import (
    AgreementScopeForm,
)
from annotations.selectors import (
    agreement_visible_to,
    project_articles,
)
from annotations.selectors.articles import chooser_articles


@dataclass(frozen=True)
class FigureRow:
    name: str
    about: str
    figure: object
    as_percent: bool = False


@login_required
@require_GET
def agreement_dashboard(request, project_id):
    project = project_for(request, project_id)
    form = AgreementScopeForm(
        request.GET or None,
        articles=project_articles(project),
        listed=chooser_articles(project, chosen=request.GET.get("article")),
    )
    article = form.cleaned_data["article"] if form.is_bound and form.is_valid() else None
    report = agreement_visible_to(request.user, project=project, article=article)
    summary, alpha = report.verdicts, report.verdicts.krippendorff_alpha
    figures = [
        FigureRow(
            "Percent agreement",
            "How often two verdicts on the same claim agree (claims with two or more verdicts).",
            summary.percent_agreement,
            as_percent=True,
        ),
        FigureRow("Fleiss' kappa", "Agreement beyond chance, over every rating.", summary.fleiss_kappa),
        FigureRow("Krippendorff's alpha, nominal", "Every rating as a category.", alpha["nominal"]),
        FigureRow(
            "Krippendorff's alpha, ordinal",
            "The truth scale in order; other ratings count as missing.",
            alpha["ordinal"],
        ),
        FigureRow(
            "Krippendorff's alpha, interval",
            "The truth scale as distances; other ratings count as missing.",
            alpha["interval"],
        ),
    ]
    context = project_context(project, "agreement")
    context.update(
        form=form,
        article=article,
        report=report,
        summary=summary,
        figures=figures,
        spans=[
            ("Exact spans", "Both marked the very same words.", report.spans.overall["exact"]),
            (
                "Overlapping spans",
                "Their spans overlap, matched one to one.",
                report.spans.overall["overlap"],
            ),
        ],
    )
    return render(request, "annotations/agreement.html", context, status=400 if form.errors else 200)
