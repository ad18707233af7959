"""The first start of a real region on an empty database: the service with its letterhead and the first
administrator, who gets a one-time link to set a password and connect the second factor. No demo data."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts import onboarding
from lib.errors import ActionError

SERVICE = [
    ("name", _("Full name of the service")),
    ("short_name", _("Short name")),
    ("address", _("Address")),
    ("phone", _("Phone")),
    ("email", _("E-mail of the service")),
    ("head_position", _("Position of the head (for signatures)")),
    ("head_name", _("Head's name as signed, e.g. «Е. А. Соколова»")),
    ("outgoing_prefix", _("Prefix of outgoing numbers, e.g. «СП-»")),
]
ADMIN = [
    ("email", _("Administrator's e-mail")),
    ("last_name", _("Administrator's surname")),
    ("first_name", _("Administrator's first name")),
    ("patronymic", _("Administrator's patronymic")),
]
REQUIRED = {"name", "short_name", "email", "last_name", "first_name"}


class Command(BaseCommand):
    help = _("Start a region on an empty database: the service and its first administrator (interactive, or "
             "with every value as a flag).")

    def add_arguments(self, parser):
        for key, label in SERVICE:
            parser.add_argument(f"--{key.replace('_', '-')}", dest=f"service_{key}", help=str(label))
        for key, label in ADMIN:
            parser.add_argument(f"--admin-{key.replace('_', '-')}", dest=f"admin_{key}", help=str(label))
        parser.add_argument("--no-input", action="store_true", help=_("never ask; fail on a missing value"))

    def _value(self, options, prefix, key, label, ask):
        value = (options.get(f"{prefix}_{key}") or "").strip()
        while not value and ask:
            value = input(f"{label}: ").strip()
            if value or key not in REQUIRED:
                break
        if not value and key in REQUIRED:
            raise CommandError(_("«%(label)s» is required.") % {"label": label})
        return value

    def handle(self, *args, **options):
        ask = not options["no_input"]
        service = {key: self._value(options, "service", key, label, ask) for key, label in SERVICE}
        admin = {key: self._value(options, "admin", key, label, ask) for key, label in ADMIN}
        for email in (service["email"], admin["email"]):
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    raise CommandError(_("«%(value)s» is not an e-mail address.") % {"value": email}) from None
        try:
            service_row, user, link = onboarding.start_region(service=service, admin=admin)
        except ActionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("The service «%(service)s» has been created.") % {"service": service_row.short_name})
        self.stdout.write(_("Administrator: %(name)s, login %(login)s.") % {"name": user.full_name,
                                                                          "login": user.username})
        self.stdout.write(_("Give the administrator this one-time link (it works once, for %(hours)s hours): open "
                            "it, set a password and connect the authenticator app.") % {
            "hours": onboarding.settings.PASSWORD_RESET_TIMEOUT // 3600})
        self.stdout.write(link)
