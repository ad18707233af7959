from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from demo import region as demo


class Command(BaseCommand):
    help = "Print where to log in and the demo accounts."

    def handle(self, *args, **options):
        self.stdout.write("\n" + _("«Open Door» is starting: %(url)s") % {"url": "http://127.0.0.1:8000/"} + "\n")
        self.stdout.write(_("Demo accounts (the same password for all: %(password)s):") % {"password": demo.PASSWORD})
        for login, surname, name, patr, _role, agency, what in demo.ACCOUNTS:
            self.stdout.write(f"  {login:<12} {surname} {name[0]}. {patr[0]}. — {agency}: {what}")
        self.stdout.write("")
