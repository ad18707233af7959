"""The case's known persons found in a text, in any grammatical case, short and affectionate forms included, and
replaced by their roles."""

import functools
import re

from django.utils import timezone

from people.matching import text as names

from .others import _name_like
from .patterns import _CASES, _INITIAL, _PREPOSITION_CASE, _at_sentence_start
from .spans import KNOWN, KnownPerson, Span

# --- known persons ------------------------------------------------------------------------------

def _same_word(folded, base):
    """A name the dictionaries do not know, in any case: «Амиру», «Лейлой» for Амир, Лейла."""
    if not base:
        return False
    if any(lemma.replace("ё", "е") == base for lemma in names.name_lemmas(folded)):
        return True
    word = folded.replace("ё", "е")
    stem = base[:-1] if base[-1] in "аяоеиь" else base
    return len(stem) >= 3 and word.startswith(stem) and len(word) - len(stem) <= 3 and \
        re.fullmatch(r"(?:а|я|у|ю|е|и|ы|ой|ей|ом|ем|ою|ею|ам|ям|ами|ях|ах)?", word[len(stem):]) is not None


@functools.cache
def _only_a_name(word):
    """A word typed in lower case that can only be a name («маша», «иванову»), not a common word («вера»)."""
    parses = names.morph().parse(word)
    proper = {"Name", "Surn", "Patr"}
    return bool(parses) and all(proper & set(p.tag.grammemes) for p in parses)


def _word_matches(word, person: KnownPerson):
    """Which part of the person a word is («surname», «name», «patronymic») or None."""
    folded = names.clean(word)
    if not folded or not word[0].isupper() and not _only_a_name(word):
        return None
    keys = person.keys
    if keys["patronymic"] and names.fold(folded)[:2] == keys["patronymic"][:2] and \
            names.patronymic_info(folded)[0] == keys["patronymic"]:
        return "patronymic"
    if keys["name_word"] and (names.name_groups(folded) & keys["name"] or _same_word(folded, keys["name_clean"])):
        return "name"
    if keys["surname"] and names.surname_keys(folded) & keys["surname"]:
        return "surname"
    return None


def _grammatical_case(text, start, words, gender="", person=None):
    """The case of a name group: from its name or patronymic, else its surname, narrowed by the person's gender
    and by a preposition before it."""
    before = re.findall(r"[А-Яа-яЁё]+", text[max(0, start - 12):start])
    allowed = _PREPOSITION_CASE.get(before[-1].lower()) if before else None
    best = None
    if person is not None and not allowed:
        given = {names.clean(getattr(person, part)) for part in ("name", "patronymic", "surname")} - {""}
        if any(names.clean(word) in given for word, _kind in words):
            return "nomn", "sing"  # written as the person's own nominative form («Ребёнок: Алиева Амина»)
    for part in ("name", "patronymic", "surname"):
        for word, kind in words:
            if kind != part:
                continue
            tag_name = {"name": "Name", "patronymic": "Patr", "surname": "Surn"}[part]
            parses = [p for p in names.morph().parse(word) if tag_name in p.tag and p.tag.case in _CASES]
            if gender:
                grammeme = "femn" if gender == "f" else "masc"
                parses = [p for p in parses if p.tag.gender == grammeme or "ms-f" in p.tag] or parses
            parses = [p for p in parses if p.tag.number != "plur"] or parses
            if allowed:
                parses = [p for p in parses if p.tag.case in allowed] or parses
            if parses:
                return parses[0].tag.case, "plur" if parses[0].tag.number == "plur" else "sing"
            if best is None and allowed and len(allowed) == 1:
                best = (next(iter(allowed)), "sing")
    return best or ("nomn", "sing")


@functools.cache
def _inflect_label(head: str, case: str, number: str):
    """«старший брат» in the dative: «старшему брату». Words after the first noun are left as they are."""
    if case == "nomn" and number == "sing":
        return head
    out, inflecting, animate = [], True, False
    words = head.split()
    parses = [names.morph().parse(w)[0] for w in words]
    for parse in parses:
        if parse.tag.POS == "NOUN" and "anim" in parse.tag:
            animate = True
            break
    for word, parse in zip(words, parses, strict=True):
        if inflecting and parse.tag.POS in {"NOUN", "ADJF", "PRTF", "NPRO"}:
            wanted = {case, number} if number == "plur" else {case}
            if case == "accs" and animate and parse.tag.POS != "NOUN" and (parse.tag.gender == "masc" or
                                                                            number == "plur"):
                wanted = {"gent", number} if number == "plur" else {"gent"}
            form = parse.inflect(wanted) or parse.inflect({case})
            out.append(form.word if form else word)
            if parse.tag.POS == "NOUN":
                inflecting = False
        else:
            out.append(word)
    return " ".join(out)


def _known_spans(text, persons, words):
    """Groups of adjacent words naming one known person (surname, name, patronymic, initials, any order)."""
    spans, seen = [], set()
    i = 0
    while i < len(words):
        start, end, word = words[i]
        hits = {idx: kind for idx, p in enumerate(persons) if (kind := _word_matches(word, p))}
        if not hits:
            i += 1
            continue
        group = [(word, hits)]
        candidates = set(hits)
        j = i + 1
        span_end = end
        while j < len(words):
            gap = text[span_end:words[j][0]]
            initials = _INITIAL.fullmatch(gap.rstrip()) if gap.strip() else None
            if gap.strip() and not initials:
                break
            nxt = {idx: kind for idx, p in enumerate(persons) if (kind := _word_matches(words[j][2], p))}
            if not (set(nxt) & candidates):
                break
            candidates &= set(nxt)
            group.append((words[j][2], nxt))
            span_end = words[j][1]
            j += 1
        initials = ""
        trailing = _INITIAL.match(text, span_end)
        if trailing and group[-1][1] and any(k == "surname" for k in group[-1][1].values()):
            span_end = trailing.end()
            initials = trailing.group(0)
        leading = re.search(r"(?:^|(?<=[\s(]))[А-ЯЁ]\.\s?(?:[А-ЯЁ]\.)?\s?$", text[max(0, start - 6):start])
        if leading and any(k == "surname" for k in group[0][1].values()):
            start -= len(leading.group(0))
            initials = leading.group(0)
        if initials:
            letters = re.findall(r"[А-ЯЁA-Z]", initials)
            fitting = {idx for idx in candidates if _initials_fit(letters, persons[idx])}
            candidates = fitting or candidates
        person = _choose(candidates, group, persons)
        kinds = [(w, h[person]) for w, h in group if person in h]
        # «Елена Юрьевна Козлова» for a person known as «Козлова Елена»: the missing part belongs to the group.
        while j < len(words) and not text[span_end:words[j][0]].strip():
            kind = _name_like(words[j][2])
            known_parts = {k for _w, k in kinds}
            if not kind or kind in known_parts or getattr(persons[person], kind, "x"):
                break
            span_end = words[j][1]
            kinds.append((words[j][2], kind))
            j += 1
        if {kind for _, kind in kinds} == {"patronymic"} or _beside_another_name(text, start, span_end):
            i = j  # «Регина Валентиновна»: a patronymic alone, or a namesake beside a surname that is not theirs
            continue
        case, number = _grammatical_case(text, start, kinds, persons[person].gender, persons[person])
        head, _, extra = persons[person].label.partition(",")
        if number == "plur":  # «Петровы», «семья Петровых»: the family, not one person
            head, extra = "члены семьи", ""
        replacement = _inflect_label(head.strip(), case, number)
        if extra.strip() and person not in seen:
            replacement += f" ({extra.strip()})"
        seen.add(person)
        if _at_sentence_start(text, start):
            replacement = replacement[:1].upper() + replacement[1:]
        spans.append(Span(start, span_end, KNOWN, replacement, person))
        i = j
    return spans


def _initials_fit(letters, person):
    own = [names.clean(person.name)[:1].upper(), names.clean(person.patronymic)[:1].upper()]
    return all(not mine or mine == letter for letter, mine in zip(letters, own, strict=False))


def _beside_another_name(text, start, end):
    """A capitalised name-like word right before or after the group (another person's surname or name)."""
    before = re.search(r"([А-ЯЁ][а-яё]+)\s+$", text[max(0, start - 40):start])
    after = re.match(r"\s+([А-ЯЁ][а-яё]+)", text[end:end + 40])
    for match, at in ((before, start - 40), (after, end)):
        if match and _name_like(match.group(1)) and not (match is before and _at_sentence_start(
                text, max(0, at) + match.start(1))):
            return True
    return False


def _choose(candidates, group, persons):
    """Several persons share a surname: the one named by name or patronymic, then by gender, adults first."""
    if len(candidates) == 1:
        return next(iter(candidates))
    specific = [idx for idx in candidates if any(h.get(idx) in ("name", "patronymic") for _, h in group)]
    pool = specific or sorted(candidates)
    genders = set()
    for word, _ in group:
        for parse in names.morph().parse(word):
            if "Surn" in parse.tag or "Name" in parse.tag:
                genders.add("f" if "femn" in parse.tag else "m" if "masc" in parse.tag else "")
                break
    if len(genders) == 1:
        pool = [idx for idx in pool if persons[idx].gender in genders] or pool
    today = timezone.localdate()
    adults = [idx for idx in pool if not persons[idx].birth_date or
              (today - persons[idx].birth_date).days >= 18 * 365]
    minors = [idx for idx in pool if idx not in adults]
    # «Маша», «Машенька»: a short or affectionate form is how a child is named; a surname alone, an adult.
    affectionate = any(names.fold(names.clean(w)) != persons[idx].keys["name_word"]
                       for w, h in group for idx, kind in h.items() if kind == "name" and idx in pool)
    if affectionate and minors:
        return minors[0]
    return (adults or pool)[0]


