"""Putting it together: candidates from every rule, overlaps resolved by priority, the text rewritten; and the leak
check."""

import datetime
import re

from django.utils import timezone

from .details import _AGE_MONTHS, _address_spans, _agency_district, _date_spans, _document_spans, _phone_spans
from .ner import _ner, _place_and_org_spans
from .others import _other_person_spans
from .patterns import _EMAIL, _EMAIL_SPOKEN, _LINK, _MESSENGER, _WORD, _years
from .persons import _known_spans
from .spans import ADDRESS, BIRTH, DOCUMENT, EMAIL, KNOWN, LINK, MARKS, PERSON, PHONE, PRIORITY, Result, Span


def _trimmed(text, piece, start, end):
    """What is left of a span beside another one, without the spaces and words between them («у», «и»)."""
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip(" ,;:-—–()"))
    tail = len(chunk.rstrip(" ,;:-—–()"))
    if piece.kind == PERSON:
        words = list(re.finditer(r"[А-ЯЁA-Z][\w.-]*", chunk[lead:tail]))
        if words:
            lead, tail = lead + words[0].start(), lead + words[-1].end()
    return Span(start + lead, start + max(tail, lead), piece.kind, piece.replacement, piece.person)


def _resolve(text, candidates):
    """Non-overlapping spans, the higher-priority kind winning; a lower one keeps the parts nobody else took."""
    chosen: list[Span] = []
    for span in sorted(candidates, key=lambda s: (-PRIORITY[s.kind], -(s.end - s.start), s.start)):
        pieces = [span]
        for taken in chosen:
            rest = []
            for piece in pieces:
                if not piece.overlaps(taken):
                    rest.append(piece)
                    continue
                if piece.start < taken.start:
                    rest.append(_trimmed(text, piece, piece.start, taken.start))
                if piece.end > taken.end:
                    rest.append(_trimmed(text, piece, taken.end, piece.end))
            pieces = rest
        # A remainder is kept only if it still holds a word or a number (not a lone comma or space).
        chosen += [p for p in pieces if p is span or p.end > p.start and
                   re.search(r"[А-Яа-яЁёA-Za-z0-9]{2,}", text[p.start:p.end])]
    return sorted(chosen, key=lambda s: s.start)


def _tidy(text, spans):
    """Readable output: «мать, Иванова М. П.,» → «мать,» (no «мать, мать»); adjacent same marks merged."""
    out = []
    for span in spans:
        if span.kind == KNOWN:
            head = re.split(r"[\s(]", span.replacement.strip(), maxsplit=1)[0].lower()
            before = re.search(r"([А-Яа-яЁё]+)([\s,—–-]*)$", text[max(0, span.start - 40):span.start])
            at = span.start - len(before.group(2)) if before else span.start
            if before and before.group(1).lower() == head and (not out or out[-1].end <= at):
                extra = re.search(r"\(.*\)", span.replacement)
                span = Span(at, span.end, KNOWN, f" {extra.group(0)}" if extra else "", span.person)
        if out and out[-1].kind == span.kind and span.kind != KNOWN and \
                re.fullmatch(r"[\s«»\"]*", text[out[-1].end:span.start]):
            out[-1] = Span(out[-1].start, span.end, span.kind, span.replacement)
            continue
        out.append(span)
    return out


def _words(text):
    return [(m.start(), m.end(), m.group(0)) for m in _WORD.finditer(text)]


def depersonalise(text: str, persons=(), today: datetime.date | None = None, use_ner=True) -> Result:
    persons = list(persons)
    today = today or timezone.localdate()
    words = _words(text)
    ner_spans = _ner(text) if use_ner and text.strip() else []
    candidates = _known_spans(text, persons, words)
    candidates += [Span(m.start(), m.end(), EMAIL, MARKS[EMAIL]) for m in _EMAIL.finditer(text)]
    candidates += [Span(m.start(), m.end(), LINK, MARKS[LINK]) for m in _LINK.finditer(text)]
    candidates += [Span(m.start(), m.end(), EMAIL, MARKS[EMAIL]) for m in _EMAIL_SPOKEN.finditer(text)]
    candidates += [Span(m.start(), m.end(), BIRTH, f"[возраст: {_years(int(m.group(1)))}]")
                   for m in _AGE_MONTHS.finditer(text)]
    candidates += [Span(m.start("handle"), m.end("handle"), LINK, MARKS[LINK]) for m in _MESSENGER.finditer(text)]
    candidates += _phone_spans(text) + _document_spans(text) + _address_spans(text) + _date_spans(text, persons, today)
    candidates += _other_person_spans(text, words, ner_spans) + _place_and_org_spans(text, ner_spans)
    candidates += _known_details(text, persons)
    candidates = [c for c in candidates if not _agency_district(text, c)]
    spans = _tidy(text, _resolve(text, candidates))
    out, at = [], 0
    for span in spans:
        out.append(text[at:span.start])
        out.append(span.replacement)
        at = span.end
    out.append(text[at:])
    return Result(source=text, text="".join(out), spans=spans)


def _known_details(text, persons):
    """The known persons' own phone numbers and addresses, wherever and however they are written."""
    spans = []
    digits_map = [(i, ch) for i, ch in enumerate(text) if ch.isdigit()]
    digits = "".join(ch for _, ch in digits_map)
    for person in persons:
        phone = re.sub(r"\D", "", person.phone)[-10:]
        if len(phone) >= 6:
            for match in re.finditer(re.escape(phone), digits):
                spans.append(Span(digits_map[match.start()][0], digits_map[match.end() - 1][0] + 1, PHONE,
                                  MARKS[PHONE]))
        address = person.address.strip()
        if len(address) > 5:
            for match in re.finditer(re.escape(address), text, re.I):
                spans.append(Span(match.start(), match.end(), ADDRESS, MARKS[ADDRESS]))
    return spans


def leaks(text: str, persons) -> list[str]:
    """What identifying is still in a text a person edited: a name of the known persons, a phone, an address, a
    date of birth (in figures or in words, anyone's), an e-mail, a messenger handle or link, a document number."""
    found = []
    persons = list(persons)
    if _known_spans(text, persons, _words(text)):
        found.append("name")
    for span in _known_details(text, persons):
        found.append(span.kind)
    for span in _date_spans(text, persons, timezone.localdate()):
        if span.kind == BIRTH:
            found.append("birth")
    if _AGE_MONTHS.search(text):
        found.append("age")
    if _EMAIL.search(text) or _EMAIL_SPOKEN.search(text):
        found.append(EMAIL)
    if _LINK.search(text) or _MESSENGER.search(text):
        found.append(LINK)
    phones = _phone_spans(text)
    if any(span.kind == DOCUMENT and not any(p.start <= span.end and span.start <= p.end for p in phones)
           for span in _document_spans(text)):
        found.append(DOCUMENT)
    if _phone_spans(text):
        found.append(PHONE)
    for span in _address_spans(text):
        if span.kind == ADDRESS:
            found.append(ADDRESS)
    return sorted(set(found))
