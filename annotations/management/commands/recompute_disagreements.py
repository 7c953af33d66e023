from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from annotations.models import Annotation, Disagreement, Project
from annotations.services.disagreements import open_span_disagreements
from annotations.services.review import refresh_statuses


class Command(BaseCommand):
    help = "Re-derive the disagreements and statuses of a project's claims (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--project", type=int, action="append", help="A project id (repeatable); default: all."
        )

    def handle(self, *args, project=None, **options):
        projects = Project.objects.order_by("id")
        if project:
            projects = projects.filter(pk__in=project)
            if missing := set(project) - set(projects.values_list("pk", flat=True)):
                raise CommandError(f"No project with id {', '.join(map(str, sorted(missing)))}.")
        for each in projects:
            with transaction.atomic():
                claims = list(
                    Annotation.objects.select_for_update()
                    .select_related("article__project")
                    .filter(article__project=each)
                    .order_by("id")
                )
                before = Disagreement.objects.filter(project=each).count()
                open_span_disagreements(claims)
                refresh_statuses(claims)
                opened = Disagreement.objects.filter(project=each).count() - before
            self.stdout.write(f"{each.name}: {len(claims)} claims, {opened} disagreement(s) opened.")
