from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from annotations.archive import ArchiveError, import_project, read_archive


class Command(BaseCommand):
    help = (
        "Create a new project from an archive written by export_project. People are matched by "
        "username; those missing are created inactive, without a password."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The archive file.")

    def handle(self, *args, archive, **options):
        try:
            data = Path(archive).read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {archive}: {error.strerror}.") from None
        try:
            project = import_project(read_archive(data))
        except ArchiveError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Imported “{project.name}” as project {project.pk}.")
