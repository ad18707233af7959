"""What depersonalisation works with: the kinds of detail, their marks and priority, the case's known persons, a
replacement (`Span`) and the result."""

import datetime
import functools
from dataclasses import dataclass, field

from people.matching import text as names

# Kinds, what replaces them, and which wins when two overlap (higher first).
KNOWN, EMAIL, LINK, DOCUMENT, PHONE, ADDRESS, BIRTH, DATE, NUMBER, PERSON, PLACE, ORG = (
    "known", "email", "link", "document", "phone", "address", "birth", "date", "number", "person", "place", "org")
PRIORITY = {KNOWN: 100, EMAIL: 90, LINK: 90, DOCUMENT: 80, PHONE: 80, ADDRESS: 81, BIRTH: 65, DATE: 60,
            NUMBER: 85, PERSON: 40, PLACE: 30, ORG: 35}
MARKS = {EMAIL: "[e-mail]", LINK: "[ссылка]", DOCUMENT: "[номер документа]", PHONE: "[телефон]", ADDRESS: "[адрес]",
         NUMBER: "[№]", PERSON: "[ФИО]", PLACE: "[место]", ORG: "[организация]"}


@dataclass
class KnownPerson:
    """A person of the case and the role that replaces them: «мать», «сын, 12 лет»."""

    label: str
    surname: str = ""
    name: str = ""
    patronymic: str = ""
    birth_date: datetime.date | None = None
    phone: str = ""
    address: str = ""
    sex: str = ""

    @classmethod
    def from_spec(cls, spec: str):
        """«Иванова Мария Петровна=мать» (the command line's --person)."""
        full, sep, label = spec.partition("=")
        if not sep or not label.strip() or not full.strip():
            raise ValueError(spec)
        parts = full.split()
        return cls(label=label.strip(), surname=parts[0], name=parts[1] if len(parts) > 1 else "",
                   patronymic=" ".join(parts[2:]))

    @functools.cached_property
    def keys(self):
        surname = names.clean(self.surname)
        return {
            "surname": names.surname_keys(surname) if surname else frozenset(),
            "name": names.name_groups(names.clean(self.name)) if self.name else frozenset(),
            "name_word": names.fold(names.clean(self.name)),
            "name_clean": names.clean(self.name).replace("ё", "е"),
            "patronymic": names.patronymic_info(names.clean(self.patronymic))[0] if self.patronymic else "",
        }

    @property
    def gender(self):
        if self.sex:
            return self.sex
        if self.patronymic:
            return names.patronymic_info(names.clean(self.patronymic))[1]
        return names.name_sex(names.clean(self.name)) if self.name else ""


@dataclass
class Span:
    start: int
    end: int
    kind: str
    replacement: str
    person: int | None = None  # index of the known person

    def overlaps(self, other):
        return self.start < other.end and other.start < self.end


@dataclass
class Result:
    source: str
    text: str
    spans: list = field(default_factory=list)

    def segments(self):
        """[(original text, replacement or None)] in order, for a review page that marks every change."""
        out, at = [], 0
        for span in self.spans:
            if span.start > at:
                out.append((self.source[at:span.start], None))
            out.append((self.source[span.start:span.end], span.replacement))
            at = span.end
        if at < len(self.source):
            out.append((self.source[at:], None))
        return out

