"""`python manage.py depersonalise IN.txt OUT.txt --person "Иванова Мария Петровна=мать" ...`"""

import datetime
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from methods.redaction import KnownPerson, depersonalise


class Command(BaseCommand):
    help = _("Depersonalise a UTF-8 text: the case's persons become their roles, other identifying details go.")

    def add_arguments(self, parser):
        parser.add_argument("input", help=_("UTF-8 text file ('-' for standard input)"))
        parser.add_argument("output", help=_("where to write the depersonalised text ('-' for standard output)"))
        parser.add_argument("--person", action="append", default=[], metavar="ФИО=РОЛЬ",
                            help=_("a person of the case and their role, e.g. \"Иванова Мария Петровна=мать\" or "
                                   "\"Иванов Петя=сын, 12 лет\"; may be repeated"))
        parser.add_argument("--birth", action="append", default=[], metavar="ФИО=ДД.ММ.ГГГГ",
                            help=_("a date of birth of a person given with --person (turned into an age)"))
        parser.add_argument("--spans", action="store_true", help=_("also list every replacement on standard error"))
        parser.add_argument("--no-ner", action="store_true", help=_("rules and morphology only, without natasha"))

    def handle(self, *args, **options):
        try:
            persons = [KnownPerson.from_spec(spec) for spec in options["person"]]
        except ValueError as error:
            raise CommandError(_("A person is given as \"Surname Name Patronymic=role\", not \"%(spec)s\".")
                               % {"spec": error.args[0]}) from None
        for spec in options["birth"]:
            full, _sep, day = spec.partition("=")
            try:
                born = datetime.datetime.strptime(day.strip(), "%d.%m.%Y").date()
            except ValueError:
                raise CommandError(_("A date of birth is given as DD.MM.YYYY, not \"%(value)s\".")
                                   % {"value": day}) from None
            for person in persons:
                if " ".join(p for p in (person.surname, person.name, person.patronymic) if p) == full.strip():
                    person.birth_date = born
        text = self._read(options["input"])
        result = depersonalise(text, persons, use_ner=not options["no_ner"])
        if options["output"] == "-":
            self.stdout.write(result.text, ending="")
        else:
            Path(options["output"]).write_text(result.text, encoding="utf-8")
        if options["spans"]:
            for span in result.spans:
                self.stderr.write(f"{span.start}\t{span.end}\t{span.kind}\t{span.replacement}")

    def _read(self, name):
        if name == "-":
            return sys.stdin.read()
        try:
            return Path(name).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(_("File not found: %(name)s") % {"name": name}) from None
        except UnicodeDecodeError:
            raise CommandError(_("The file is not UTF-8 text: %(name)s") % {"name": name}) from None
