import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Territory
from reports import exports
from reports.monitoring import Scope, compute, protect


class Command(BaseCommand):
    help = "Write the monitoring report for a period as XLSX, PDF or JSON (the same figures as the page)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--to", dest="end", required=True, type=datetime.date.fromisoformat)
        parser.add_argument("--format", choices=["xlsx", "pdf", "json"], default="json")
        parser.add_argument("--output", required=True)
        parser.add_argument("--territory", help="name of a territory; default the whole region")
        parser.add_argument("--protected", action="store_true", help="hide figures under 5 (for outside use)")

    def handle(self, *args, start, end, format, output, territory=None, protected=False, **options):
        if end < start:
            raise CommandError(_("The end of the period cannot be before its start."))
        label = _("the whole region")
        territory_id = None
        if territory:
            found = Territory.objects.filter(name=territory).first()
            if found is None:
                raise CommandError(_("No such territory: %(name)s") % {"name": territory})
            territory_id, label = found.pk, found.name
        scope = Scope(start, end, territory_id)
        report, previous = compute(scope), compute(scope.previous())
        if protected:
            report, previous = protect(report), protect(previous)
        content = {"xlsx": lambda: exports.as_xlsx(report, label), "json": lambda: exports.as_json(report, label),
                   "pdf": lambda: exports.as_pdf(report, previous, label)}[format]()
        Path(output).write_bytes(content)
        self.stdout.write(_("Report written: %(path)s") % {"path": output})
