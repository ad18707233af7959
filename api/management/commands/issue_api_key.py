from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import Agency, Role, User
from api import tokens
from api.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API key to an agency (as the page «Ключи API» does) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="the agency's short name")
        parser.add_argument("--name", required=True, help="which system uses the key")
        parser.add_argument("--scopes", nargs="+", default=[s.value for s in ApiToken.Scope],
                            choices=[s.value for s in ApiToken.Scope])

    def handle(self, *args, agency, name, scopes, **options):
        found = Agency.objects.filter(short_name=agency).first()
        if found is None:
            raise CommandError(_("No agency with the short name «%(name)s».") % {"name": agency})
        admin = User.objects.filter(memberships__role=Role.ADMIN).order_by("pk").first()
        if admin is None:
            raise CommandError(_("There is no administrator to issue the key in the name of."))
        _token, key = tokens.issue(agency=found, name=name, scopes=scopes, actor=admin)
        self.stdout.write(key)
