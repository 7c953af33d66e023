from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.archive import archive_bytes
from annotations.models import Project


class Command(BaseCommand):
    help = (
        "Write a project's archive (every article, claim, verdict, source, adjudication, and its "
        "history) as one JSON file, for a backup or a move; import_project reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("project", type=int, help="The project's id.")
        parser.add_argument("--output", "-o", help="The file to write; default: standard output.")

    def handle(self, *args, project, output=None, **options):
        try:
            chosen = Project.objects.get(pk=project)
        except Project.DoesNotExist:
            raise CommandError(f"No project with id {project}.") from None
        data = archive_bytes(chosen)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"{chosen.name}: {len(data)} bytes written to {output}.")
        else:
            self.stdout.write(data.decode(), ending="")
