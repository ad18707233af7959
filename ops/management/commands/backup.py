from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import sealed
from lib.errors import ActionError
from ops.backup import backup


class Command(BaseCommand):
    help = "Write every record and every attached file to one .tar.gz (works on SQLite and PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="target file; default var/backups/opendoor-<time>.tar.gz.sealed")
        parser.add_argument("--new-key", action="store_true", help="print a new OPENDOOR_BACKUP_KEY and stop")

    def handle(self, *args, path=None, new_key=False, **options):
        if new_key:
            self.stdout.write(sealed.new_key())
            return
        try:
            sealed._key()
        except ActionError as error:
            raise CommandError(str(error)) from None

        if path is None:
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"opendoor-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz.sealed"
        manifest = backup(Path(path))
        self.stdout.write(_("Backup written: %(path)s (%(records)s records, %(files)s files).") % {
            "path": path, "records": sum(manifest["counts"].values()), "files": len(manifest["files"])})
