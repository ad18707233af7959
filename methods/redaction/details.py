"""Phones, addresses, document and institution numbers, and dates (a date of birth becomes an age)."""

import datetime
import re

from .patterns import (
    _ADDRESS_GLUE,
    _ADDRESS_PART,
    _BARE_HOUSE,
    _BIRTH_CONTEXT,
    _BIRTH_YEAR,
    _DATE_IN_WORDS,
    _DATE_ISO,
    _DATE_NUMERIC,
    _DATE_TAIL,
    _DATE_WORDS,
    _DAY_MONTH,
    _DOCUMENTS,
    _INSTITUTION_NUMBER,
    _MONTH_BY_PREFIX,
    _NUMBER_STEMS,
    _PHONE_CANDIDATE,
    _SETTLEMENT,
    _STREET,
    MONTHS,
    _age_mark,
    _years,
)
from .spans import ADDRESS, BIRTH, DATE, DOCUMENT, MARKS, NUMBER, ORG, PHONE, PLACE, Span

# --- numbers, addresses, dates -------------------------------------------------------------------

def _phone_spans(text):
    spans = []
    for match in _PHONE_CANDIDATE.finditer(text):
        chunk = match.group(0).rstrip()
        digits = re.sub(r"\D", "", chunk)
        if re.search(r"(?:паспорт[а-яё]*|серии|серия)\s*$", text[max(0, match.start() - 20):match.start()], re.I):
            continue  # «паспорт 45 10 123456» is a document, not a phone
        plus = chunk.startswith("+") or chunk.startswith("(")
        if (len(digits) == 11 and digits[0] in "78") or (len(digits) == 10 and digits[0] in "3489") or \
                (plus and 10 <= len(digits) <= 13):
            spans.append(Span(match.start(), match.start() + len(chunk), PHONE, MARKS[PHONE]))
        elif 5 <= len(digits) <= 7 and re.fullmatch(r"\d{1,3}-\d{2}-\d{2}", chunk):
            spans.append(Span(match.start(), match.start() + len(chunk), PHONE, MARKS[PHONE]))
    return spans


# «по адресу: Смоленск, Ленина 5-12» — after an explicit cue the rest of the clause is the address when it holds
# a number, whatever the words («Ленина» without «ул.»).
_ADDRESS_CUE = re.compile(r"(?:по адресу|адрес(?:у)?(?: проживания| регистрации)?|прожива[юе]т|зарегистрирован[аы]?)"
                          r"\s*:\s*|по адресу\s+", re.I)
_CLAUSE_END = re.compile(r";|\n|\.(?=\s+[А-ЯЁ]|\s*$)|\)|,\s*(?:тел|телефон|e-mail|почта)")


# An agency named by its district («КДНиЗП Сафоновского района», «опека Велижского района») is context for the
# reader, not the family's address: the district alone is kept after an agency's name.
_AGENCY_BEFORE = re.compile(r"(?:КДН(?:иЗП)?|ПДН|ОДН|ОМВД|МВД|УСЗН|КЦСОН|СРЦН|опек[а-яё]*|комисси[а-яё]*|"
                            r"служб[а-яё]*|отдел[а-яё]*|управлени[а-яё]*|администраци[а-яё]*|суд[а-яё]*|"
                            r"центр[а-яё]*|полици[а-яё]*)\s*$", re.I)
_DISTRICT_ONLY = re.compile(r"[А-ЯЁ][а-яё]+(?:ого|его|ой)\s+(?:района|р-на|округа|муниципального округа)", re.I)
# «7 лет и 3 месяца»: an age to the month singles a child out; the years are enough for the reader.
_AGE_MONTHS = re.compile(r"(?<!\d)(\d{1,2})\s+(лет|года?)\s+(?:и\s+)?(\d{1,2})\s+месяц[а-яё]*", re.I)


def _agency_district(text, span):
    """A place or organisation span that is only the district of an agency named just before it."""
    if span.kind not in (PLACE, ADDRESS, ORG):
        return False
    district = _DISTRICT_ONLY.match(text, span.start)
    return bool(district and district.end() >= span.end
                and _AGENCY_BEFORE.search(text[max(0, span.start - 40):span.start]))


def _address_spans(text):
    spans = []
    for cue in _ADDRESS_CUE.finditer(text):
        end = _CLAUSE_END.search(text, cue.end())
        stop = end.start() if end else len(text)
        chunk = text[cue.end():stop]
        if re.search(r"\d", chunk) and 0 < len(chunk) <= 160:
            spans.append(Span(cue.end(), stop, ADDRESS, MARKS[ADDRESS]))
    parts = list(_ADDRESS_PART.finditer(text))
    i = 0
    while i < len(parts):
        start, end = parts[i].start(), parts[i].end()
        j = i + 1
        while True:
            while j < len(parts) and _ADDRESS_GLUE.fullmatch(text[end:parts[j].start()]):
                end = parts[j].end()
                j += 1
            bare = _BARE_HOUSE.match(text, end) if re.search(_STREET, parts[j - 1].group(0), re.I) else None
            if not bare:
                break
            end = bare.end()
            while j < len(parts) and parts[j].start() < end:
                j += 1
        chunk = text[start:end]
        lone_settlement = j == i + 1 and re.match(_SETTLEMENT, chunk, re.I) and not re.search(r"\d", chunk)
        lone_index = j == i + 1 and re.fullmatch(r"\d{6}", chunk)
        if lone_settlement:
            spans.append(Span(start, end, PLACE, MARKS[PLACE]))
        elif not lone_index:
            spans.append(Span(start, end, ADDRESS, MARKS[ADDRESS]))
        i = j
    return spans


def _document_spans(text):
    spans = []
    for pattern in _DOCUMENTS:
        for match in pattern.finditer(text):
            if re.search(r"-?(?:ФЗ|ФКЗ|ОЗ|КЗ)$", match.group(0)):
                continue  # a law's number («№ 120-ФЗ») identifies no one
            spans.append(Span(match.start(), match.end(), DOCUMENT, MARKS[DOCUMENT]))
    for pattern in _INSTITUTION_NUMBER:
        for match in pattern.finditer(text):
            spans.append(Span(match.start("n"), match.end("n"), NUMBER, MARKS[NUMBER]))
    return spans


def _month(word):
    word = word.lower()
    return _MONTH_BY_PREFIX.get(word[:3])


def _number_in_words(words):
    """The value of a number written in words («двадцать пятого» → 25, «две тысячи четырнадцатого» → 2014)."""
    total = 0
    for word in words.lower().split():
        if word.startswith("тысяч") or word == "две":
            total += 2000 if word == "две" else 0
            continue
        if word.startswith("девятьсот"):
            total += 900
            continue
        if word == "тысяча":
            total += 1000
            continue
        total += next((value for stem, value in _NUMBER_STEMS if word.startswith(stem)), 0)
    return total


def _date(day, month, year, today):
    try:
        if year is not None and year < 100:
            year += 2000 if year <= today.year % 100 + 1 else 1900
        return datetime.date(year or today.year, month, day)
    except ValueError:
        return None


def _date_spans(text, persons, today):
    births = {p.birth_date for p in persons if p.birth_date}
    spans = []
    found = []
    for match in _DATE_NUMERIC.finditer(text):
        found.append((match, _date(int(match.group(1)), int(match.group(2)), int(match.group(3)), today), True))
    for match in _DATE_ISO.finditer(text):
        found.append((match, _date(int(match.group(3)), int(match.group(2)), int(match.group(1)), today), True))
    for match in _DATE_WORDS.finditer(text):
        month = _month(match.group(2))
        if month:
            year = int(match.group(3)) if match.group(3) else None
            found.append((match, _date(int(match.group(1)), month, year, today), year is not None))
    for match in _DATE_IN_WORDS.finditer(text):
        month = _month(match.group(2))
        day = _number_in_words(match.group(1))
        if month and 1 <= day <= 31:
            year = _number_in_words(match.group(3)) if match.group(3) else None
            found.append((match, _date(day, month, year if year and year > 1900 else None, today), bool(year)))
    for match, day, has_year in found:
        if day is None:
            continue
        end = match.end()
        tail = _DATE_TAIL.match(text, end)
        is_birth = day in births or bool(tail) or bool(_BIRTH_CONTEXT.search(text[max(0, match.start() - 30):
                                                                                   match.start()]))
        if tail:
            end = tail.end()
        if is_birth and day < today:
            spans.append(Span(match.start(), end, BIRTH, _age_mark(day, today)))
        else:
            mark = f"[{MONTHS[day.month - 1]} {day.year}]" if has_year else f"[{MONTHS[day.month - 1]}]"
            spans.append(Span(match.start(), end, DATE, mark))
    for match in _BIRTH_YEAR.finditer(text):
        year = match.group(1) or match.group(2)
        age = max(today.year - int(year), 0)
        start = match.start(1) if match.group(1) else match.start(2)
        spans.append(Span(start, match.end(), BIRTH, f"[возраст: около {_years(age)}]"))
    for match in _DAY_MONTH.finditer(text):  # «на 15.03»: a day without a year
        day = _date(int(match.group("d")), int(match.group("m")), today.year, today)
        if day:
            spans.append(Span(match.start("d"), match.end(), DATE, f"[{MONTHS[day.month - 1]}]"))
    return spans


