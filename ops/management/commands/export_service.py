import json
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Agency, Role, User
from audit import log
from lib import sealed
from lib.errors import ActionError
from ops.export import export


class Command(BaseCommand):
    help = "Export all of one service's data as JSON (docs/export-format.md), for migration or archiving."

    def add_arguments(self, parser):
        parser.add_argument("--service", help="the service's short name (default: the region's main service)")
        parser.add_argument("--output", required=True)

    def handle(self, *args, service, output, **options):
        found = Agency.service_named(service)
        if found is None:
            raise CommandError(_("No reconciliation service with the short name «%(name)s».") % {"name": service})
        data = export(found)
        # Minors' data at rest: written sealed (lib/sealed.py), 0600; `manage.py unseal` opens it.
        with tempfile.TemporaryDirectory() as folder:
            plain = Path(folder) / "export.json"
            with open(plain, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False, indent=1)
            try:
                sealed.seal_file(plain, output)
            except ActionError as error:
                raise CommandError(str(error)) from None
        admin = User.objects.filter(memberships__role=Role.ADMIN).order_by("pk").first()
        log.record_export(admin, found, "service.export")
        self.stdout.write(_("Exported: %(referrals)d referrals, %(cases)d cases, %(persons)d persons → %(path)s")
                          % {"referrals": len(data["referrals"]), "cases": len(data["cases"]),
                             "persons": len(data["persons"]), "path": output})
