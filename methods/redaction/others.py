"""Names of people who are not the case's known persons: «[ФИО]»."""

import functools
import re

from people.matching import text as names

from .patterns import _INITIAL, _at_sentence_start
from .spans import MARKS, PERSON, Span

# --- other names --------------------------------------------------------------------------------

@functools.cache
def _name_like(word):
    """A capitalised word that is a first name, a patronymic or a surname (pymorphy3's tags and the dictionary)."""
    if len(word) < 2 or not word[0].isupper() or word.isupper() and len(word) > 1 and len(word) <= 4:
        return ""
    parses = names.morph().parse(word)
    folded = names.clean(word)
    if any("Patr" in p.tag for p in parses[:3]) or re.search(r"(?:ович|евич|овна|евна|ична|инична)[а-я]*$", folded):
        return "patronymic"
    top = parses[0]
    if "Name" in top.tag or names.is_first_name(folded) and any("Name" in p.tag for p in parses):
        return "name"
    if "Surn" in top.tag or any("Surn" in p.tag and p.score >= 0.3 for p in parses):
        return "surname"
    return ""


def _common_word(chunk):
    """A lone dictionary word the tagger took for a name («Программа:» at the start of a line)."""
    if not re.fullmatch(r"[А-ЯЁ][а-яё]+", chunk):
        return False
    return names.morph().word_is_known(chunk.lower()) and not _name_like(chunk)


# First names that are also common words: at the start of a sentence they need a second name-like word.
_COMMON_WORD_NAMES = {"вера", "надежда", "любовь", "роман", "слава", "мир", "лев", "лилия", "роза", "марс", "заря",
                      "майя", "ангелина", "алмаз", "руслан", "влад"}
# A capitalised word right after a person's job is their surname, however rare («учитель Пак», «инспектора Ли»).
_AFTER_ROLE = re.compile(
    r"(?:учител|инспектор|специалист|педагог|психолог|директор|завуч|воспитател|врач|сосед|куратор|руководител|"
    r"заведующ|следовател|участков|секретар|юрист|адвокат|опекун|тренер|вожат|медсестр|фельдшер|"
    r"социальн[а-яё]+ работник)"
    r"[а-яё]*\s+([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\b")
_INSTITUTION_WORDS = {"опека", "комиссия", "служба", "центр", "школа", "полиция", "суд", "управление", "отдел",
                      "департамент", "министерство", "администрация", "учреждение", "организация"}


def _other_person_spans(text, words, ner_spans):
    spans = [Span(s, e, PERSON, MARKS[PERSON]) for s, e, kind in ner_spans if kind == "PER" and
             not _common_word(text[s:e])]
    # Names the tagger missed: a patronymic anywhere, a first name or surname beside another name or an initial.
    i = 0
    while i < len(words):
        start, end, word = words[i]
        kind = _name_like(word)
        if not kind:
            i += 1
            continue
        j, last = i + 1, end
        kinds = [kind]
        while j < len(words) and not text[last:words[j][0]].strip() and _name_like(words[j][2]):
            kinds.append(_name_like(words[j][2]))
            last = words[j][1]
            j += 1
        initials = _INITIAL.match(text, last)
        before = _INITIAL.fullmatch(text[max(0, start - 6):start].lstrip()) if start else None
        strong = "patronymic" in kinds or len(kinds) > 1 or initials or before
        mid_sentence = not _at_sentence_start(text, start)
        opening_name = kind == "name" and word.lower() not in _COMMON_WORD_NAMES
        if strong or (mid_sentence and kind == "name") or opening_name or (
                mid_sentence and kind == "surname" and names.looks_like_surname(word)):
            s = start - len(before.group(0)) if before else start
            e = initials.end() if initials else last
            if "patronymic" in kinds and len(kinds) >= 2:
                s, e = _with_neighbour_surname(text, s, e)
            spans.append(Span(s, e, PERSON, MARKS[PERSON]))
        i = j
    for match in _AFTER_ROLE.finditer(text):
        if names.morph().parse(match.group(1))[0].normal_form not in _INSTITUTION_WORDS:
            trailing = _INITIAL.match(text, match.end(1))
            spans.append(Span(match.start(1), trailing.end() if trailing else match.end(1), PERSON, MARKS[PERSON]))
    for match in re.finditer(r"(?<![А-Яа-яЁё])[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?|"
                             r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s[А-ЯЁ]\.\s?[А-ЯЁ]\.", text):
        spans.append(Span(match.start(), match.end(), PERSON, MARKS[PERSON]))
    return spans


def _unknown_or_surname(word, at_start):
    """A capitalised word beside «Name Patronymic» is the surname unless it opens the sentence as a common word."""
    if not at_start:
        return True
    return not names.morph().word_is_known(word.lower()) or any("Surn" in p.tag for p in names.morph().parse(word))


def _with_neighbour_surname(text, start, end):
    before = re.search(r"([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)\s+$", text[max(0, start - 40):start])
    if before:
        at = start - len(before.group(0))
        if _unknown_or_surname(before.group(1), _at_sentence_start(text, at)):
            start = at
    after = re.match(r"\s+([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)", text[end:end + 40])
    if after and _unknown_or_surname(after.group(1), False) and not _name_like(after.group(1)) == "name":
        end += after.end()
    return start, end


