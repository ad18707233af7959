from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lib.errors import ActionError
from ops.backup import RestoreError, SchemaMismatch, UnreadableRecords, restore


class Command(BaseCommand):
    help = "Replace the database and the attached files with a backup made by `backup`, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="confirm that the current data is replaced")

    def handle(self, *args, path, yes=False, **options):
        if not yes:
            raise CommandError(_("Restoring replaces all current data. Repeat the command with --yes."))
        try:
            manifest = restore(Path(path))
        except (SchemaMismatch, UnreadableRecords, ActionError) as error:
            raise CommandError(str(error)) from None
        except RestoreError as error:
            raise CommandError(_("The restored data does not match the manifest: %(error)s") % {"error": error}) \
                from error
        self.stdout.write(_("Restored from %(path)s: %(records)s records, %(files)s files; the check passed.") % {
            "path": path, "records": sum(manifest["counts"].values()), "files": len(manifest["files"])})
