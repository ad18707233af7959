"""A person's identifying details, parsed once into the forms the comparison needs."""

import datetime
import functools
import re
from dataclasses import dataclass, field

from . import text


def canonical_names(groups, sex):
    """The full names of a first name's groups, narrowed by sex when that leaves any."""
    names = frozenset(full for full, group_sex in groups if not sex or group_sex == sex)
    return names or frozenset(full for full, _ in groups)


def shortest_key(keys):
    """One surname key out of several (the shortest: the masculine nominative)."""
    return min(keys, key=lambda k: (len(k), k)) if keys else ""


@dataclass
class Parsed:
    ident: object
    surname: str  # cleaned, as typed (Cyrillic)
    surname_keys: frozenset
    name: str
    name_folded: str
    name_groups: frozenset  # {(full name, sex)}
    initial: str  # the first letter of the first name when only an initial was given, else ""
    patronymic: str  # folded nominative
    patronymic_initial: str
    birth_date: datetime.date | None
    sex: str  # given, or inferred from the patronymic and the first name
    sex_given: bool = False
    swapped: bool = False  # surname and first name were typed in each other's place
    # Derived once here, since a batch compares each record many times.
    canonical_names: frozenset = field(init=False)  # full names this first name may stand for, narrowed by sex
    surname_folded: str = field(init=False)
    digits: str = field(init=False)  # the date of birth as DDMMYYYY
    _name_key: str = field(init=False)

    def __post_init__(self):
        self.canonical_names = canonical_names(self.name_groups, self.sex)
        self.surname_folded = text.fold(self.surname)
        self.digits = (f"{self.birth_date.day:02d}{self.birth_date.month:02d}{self.birth_date.year:04d}"
                       if self.birth_date else "")  # strftime writes year 1 as "1", not "0001"
        first = min(self.canonical_names) if self.canonical_names else ""
        self._name_key = text.fold(first) if first else (self.name_folded or self.initial)

    def name_key(self):
        """One blocking key for the first name: its first full name, or the folded spelling when unknown."""
        return self._name_key


def normalised(record: Parsed):
    """The record as the matcher reads it, in plain fields (surname key, full first name, nominative patronymic,
    ISO date, sex): what another tool is given in a fair comparison (bench_matching), so that it does not lose
    on Russian grammar, short names or transliteration, which this parser undoes before any comparison."""
    return (str(record.ident), shortest_key(record.surname_keys) or record.surname_folded, record.name_key(),
            record.patronymic or record.patronymic_initial,
            record.birth_date.isoformat() if record.birth_date else "", record.sex)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_RUSSIAN = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})")


def parse_date(value) -> datetime.date | None:
    """YYYY-MM-DD or DD.MM.YYYY (also DD/MM/YYYY and DD.MM.YY); anything else, or an impossible date, is None."""
    if isinstance(value, datetime.date):
        return value
    return _parse_date_text((value or "").strip())


@functools.lru_cache(maxsize=50_000)
def _parse_date_text(value):
    try:
        if found := _ISO.fullmatch(value):
            return datetime.date(int(found[1]), int(found[2]), int(found[3]))
        if found := _RUSSIAN.fullmatch(value):
            year = int(found[3])
            if year < 100:  # a two-digit year: the most recent such year not in the future
                year += 2000 if 2000 + year <= datetime.date.today().year else 1900
            return datetime.date(year, int(found[2]), int(found[1]))
    except ValueError:
        return None
    return None


@functools.lru_cache(maxsize=100_000)
def _initial(raw: str) -> str:
    """«А.» or «A» → а (a single letter, with or without a dot)."""
    raw = raw.strip()
    if re.fullmatch(r"[^\W\d_]\.?", raw):
        return text.clean(raw)[:1]
    return ""


def parse(ident, surname="", name="", patronymic="", birth_date=None, sex="") -> Parsed:
    # «Ivanov A.P.» typed into the surname field alone: split it.
    if surname and not name and (" " in surname.strip() or "." in surname):
        parts = re.split(r"[\s.]+", surname.strip())
        parts = [p for p in parts if p]
        surname, rest = parts[0], parts[1:]
        name = rest[0] if rest else ""
        patronymic = rest[1] if len(rest) > 1 else patronymic
    swapped = _looks_swapped(surname, name)
    if swapped:
        surname, name = name, surname
    name_initial = _initial(name)
    patronymic_initial = _initial(patronymic)
    surname_clean = text.clean(surname)
    name_clean = "" if name_initial else text.clean(name)
    patronymic_clean = "" if patronymic_initial else text.clean(patronymic)
    patronymic_key, patronymic_sex = text.patronymic_info(patronymic_clean)
    groups = text.name_groups(name_clean) if name_clean else frozenset()
    given_sex = (sex or "").strip().lower()[:1]
    given_sex = {"м": "m", "ж": "f"}.get(given_sex, given_sex)
    if given_sex not in ("m", "f"):
        given_sex = ""
    inferred = given_sex or patronymic_sex or (text.name_sex(name_clean) if name_clean else "")
    return Parsed(
        ident=ident,
        surname=surname_clean,
        surname_keys=text.surname_keys(surname_clean) | (
            text.surname_keys(text.clean(surname, x="х")) if "x" in surname.lower() else frozenset()),
        name=name_clean,
        name_folded=text.fold(name_clean),
        name_groups=groups,
        initial=name_initial or name_clean[:1],
        patronymic=patronymic_key,
        patronymic_initial=patronymic_initial or patronymic_key[:1],
        birth_date=parse_date(birth_date),
        sex=inferred,
        sex_given=bool(given_sex),
        swapped=swapped,
    )


@functools.lru_cache(maxsize=200_000)
def _looks_swapped(surname, name):
    """«Александр Иванов» typed as surname «Александр», name «Иванов»: a known first name in the surname field
    and, in the first-name field, a word that is no first name but reads as a surname."""
    surname_clean, name_clean = text.clean(surname), text.clean(name)
    if not surname_clean or len(name_clean) < 2 or _initial(name):
        return False
    if not text.name_groups(surname_clean) or text.is_first_name(name_clean):
        return False
    return text.looks_like_surname(name_clean)
