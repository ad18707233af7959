from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Agency, Role, User
from cases import actions as case_actions
from cases import journal_import


class Command(BaseCommand):
    help = "Import a service's legacy Excel journal: check every row, then write the cases (see README)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--service", help="the service's short name (default: the region's main service)")
        parser.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
        parser.add_argument("--valid-only", action="store_true", help="import the valid rows even if others fail")

    def handle(self, *args, file, service, dry_run, valid_only, **options):
        found = Agency.service_named(service)
        if found is None:
            raise CommandError(_("No reconciliation service with the short name «%(name)s».") % {"name": service})
        try:
            preview = journal_import.check(journal_import.read(file), found)
        except (ValueError, OSError) as error:
            raise CommandError(str(error)) from error
        for row in preview.errors:
            self.stdout.write(_("line %(line)d: %(errors)s") % {"line": row.line, "errors": "; ".join(row.errors)})
        for row in preview.skipped:
            reason = _("already imported") if row.status == "imported" else _("repeats an earlier row of the file")
            self.stdout.write(_("line %(line)d: skipped, %(reason)s") % {"line": row.line, "reason": reason})
        self.stdout.write(_("Rows: %(total)d; valid: %(valid)d; with errors: %(errors)d; skipped: %(skipped)d.")
                          % {"total": len(preview.rows), "valid": len(preview.valid), "errors": len(preview.errors),
                             "skipped": len(preview.skipped)})
        if dry_run:
            self.stdout.write(_("Dry run: nothing was written."))
            return
        actor = (User.objects.filter(memberships__agency=found, memberships__role=Role.COORDINATOR).order_by("pk")
                 .first())
        if actor is None:
            raise CommandError(_("The service has no coordinator to import in the name of."))
        try:
            batch = case_actions.import_journal(preview, service=found, actor=actor, file_name=Path(file).name,
                                          file_hash=journal_import.digest(file), valid_only=valid_only)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Imported cases: %(n)d.") % {"n": batch.rows_imported})
