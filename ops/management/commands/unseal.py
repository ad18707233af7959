from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lib import sealed
from lib.errors import ActionError


class Command(BaseCommand):
    help = "Open a sealed backup or export (lib/sealed.py) with OPENDOOR_BACKUP_KEY into a plain file (mode 0600)."

    def add_arguments(self, parser):
        parser.add_argument("source")
        parser.add_argument("target")

    def handle(self, *args, source, target, **options):
        try:
            sealed.open_file(source, target)
        except (ActionError, OSError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Opened: %(path)s") % {"path": target})
