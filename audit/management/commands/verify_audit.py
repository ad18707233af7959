from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.log import file_anchors, verify_chain
from audit.models import AuditAnchor, AuditEvent


class Command(BaseCommand):
    help = ("Verify the audit log: every link of the keyed chain, its head, and the anchors (the anchor file, the "
            "anchor rows, and any --anchor COUNT HASH from the administrators' e-mails); name the first break.")

    def add_arguments(self, parser):
        parser.add_argument("--anchor", nargs=2, action="append", default=[], metavar=("COUNT", "HASH"),
                            help="an anchor from an e-mail (repeatable)")

    def handle(self, *args, anchor, **options):
        try:
            given = [(int(count), value) for count, value in anchor]
        except ValueError:
            raise CommandError(_("An anchor is a row count and a hash.")) from None
        anchors = given + file_anchors() + list(AuditAnchor.objects.values_list("count", "row_hash"))
        broken = verify_chain(anchors)
        if broken is not None:
            raise CommandError(_("The audit chain is broken: %(where)s.") % {"where": broken})
        self.stdout.write(_("The audit log is intact: %(n)s records checked against %(a)s anchors.") % {
            "n": AuditEvent.objects.count(), "a": len(anchors)})
