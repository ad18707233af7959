from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from ops import retention


class Command(BaseCommand):
    help = "Depersonalise closed cases past the retention period (the daily run does it too)."

    def handle(self, *args, **options):
        count = retention.run()
        self.stdout.write(_("Cases depersonalised: %(n)s.") % {"n": count})
