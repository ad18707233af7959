from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.log import verify_chain
from audit.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; name the first broken record."

    def handle(self, *args, **options):
        broken = verify_chain()
        if broken is not None:
            raise CommandError(_("The audit chain is broken at record %(id)s.") % {"id": broken})
        self.stdout.write(_("The audit log is intact: %(n)s records checked.") % {"n": AuditEvent.objects.count()})
