import csv
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lib import sheets
from people import matching

COLUMNS = ["id", "surname", "name", "patronymic", "birth_date", "sex"]


def read_records(path):
    """Rows id,surname,name,patronymic,birth_date,sex (UTF-8, with or without a BOM and a header)."""
    records = []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        for number, row in enumerate(csv.reader(handle, dialect), start=1):
            if not row or not any(cell.strip() for cell in row):
                continue
            if number == 1 and row[0].strip().lower() == "id":
                continue
            row = (row + [""] * 6)[:6]
            records.append(matching.parse(row[0].strip(), *row[1:]))
    return records


class Command(BaseCommand):
    help = ("Match persons in a CSV file (id,surname,name,patronymic,birth_date,sex) and write the pairs judged "
            "to be one person as id1,id2,score. Does not touch the database.")

    def add_arguments(self, parser):
        parser.add_argument("input")
        parser.add_argument("output")
        parser.add_argument("--threshold", type=float, default=matching.THRESHOLD)

    def handle(self, *args, input, output, threshold, **options):
        started = time.perf_counter()
        try:
            records = read_records(input)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": input, "error": error}) from error
        pairs = 0
        with open(output, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id1", "id2", "score"])
            for first, second, score in matching.match(records, threshold):
                writer.writerow(sheets.csv_values([first, second, f"{score:.4f}"]))
                pairs += 1
        sys.stderr.write(_("%(records)d records, %(pairs)d pairs, %(seconds).1f s\n")
                         % {"records": len(records), "pairs": pairs, "seconds": time.perf_counter() - started})
