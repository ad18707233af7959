import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from people import matching, registry


class Command(BaseCommand):
    help = "Scan the whole person registry for likely duplicates and queue new pairs for the coordinator."

    def add_arguments(self, parser):
        parser.add_argument("--threshold", type=float, default=matching.THRESHOLD,
                            help="lowest probability (0–1) of a pair to queue")

    def handle(self, *args, threshold, **options):
        started = time.perf_counter()
        found, new = registry.find_duplicates(threshold=threshold)
        self.stdout.write(_("Likely duplicate pairs: %(found)d, new in the queue: %(new)d (%(seconds).1f s).")
                          % {"found": found, "new": new, "seconds": time.perf_counter() - started})
