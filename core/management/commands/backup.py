from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from core.backup import backup


class Command(BaseCommand):
    help = "Write every record and every attached file to one .tar.gz (works on SQLite and PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="target file; default var/backups/opendoor-<time>.tar.gz")

    def handle(self, *args, path=None, **options):
        from django.conf import settings

        if path is None:
            folder = Path(settings.VAR_DIR) / "backups"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"opendoor-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        manifest = backup(Path(path))
        self.stdout.write(_("Backup written: %(path)s (%(records)s records, %(files)s files).") % {
            "path": path, "records": sum(manifest["counts"].values()), "files": len(manifest["files"])})
