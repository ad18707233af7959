"""Spelling of Russian names: folding, Latin → Cyrillic, morphology (pymorphy3) and the short-form dictionary."""

import functools
import logging
import re
from pathlib import Path

import pymorphy3
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

_MORPH = None


def morph():
    global _MORPH
    if _MORPH is None:
        logging.getLogger("pymorphy3").setLevel(logging.WARNING)  # no dictionary banner in command output
        _MORPH = pymorphy3.MorphAnalyzer()
    return _MORPH


_LATIN = re.compile(r"[a-z]")
_NOT_LETTER = re.compile(r"[^a-zа-яё]+")

# Latin → Cyrillic, longest sequences first: passport (ICAO 2013 and the older «-iy/-ya» style),
# ГОСТ 7.79-2000 system B (cz, shh, yu, x) and English habits (ph, w, c before e/i).
_LATIN_SEQUENCES = [
    ("shch", "щ"), ("shh", "щ"), ("sch", "щ"),
    ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("tc", "ц"), ("cz", "ц"), ("ch", "ч"), ("sh", "ш"), ("ph", "ф"),
    ("yu", "ю"), ("iu", "ю"), ("ju", "ю"), ("ya", "я"), ("ia", "я"), ("ja", "я"), ("yo", "е"), ("jo", "е"),
    ("ye", "е"), ("ie", "ье"), ("e'", "э"), ("y'", "ы"), ("ck", "к"), ("ct", "кт"), ("cl", "кл"), ("cr", "кр"),
    ("x", "кс"), ("w", "в"), ("q", "к"),
]
_LATIN_LETTERS = dict(zip("abvgdezijklmnoprstufhc", "абвгдезийклмнопрстуфхк", strict=True))
_VOWELS = "aeiouy"


def latin_to_cyrillic(word: str) -> str:
    word = word.lower().replace("`", "'")
    out = []
    i = 0
    while i < len(word):
        rest = word[i:]
        # -iy / -ii / -yy at the end: Dmitriy, Dmitrii → Дмитрий; -ay/-ey/-oy/-uy before a consonant or the end: й
        if rest in ("iy", "ii", "ij"):
            out.append("ий")
            break
        if rest in ("yy", "yj"):
            out.append("ый")
            break
        if len(rest) == 2 and rest[1] == "i" and rest[0] in "aeou" and i > 0:  # Mironovoi, Sergei: ICAO й = i
            out.append({"a": "ай", "e": "ей", "o": "ой", "u": "уй"}[rest[0]])
            break
        if rest.startswith("y") and i > 0 and word[i - 1] in _VOWELS and (len(rest) == 1 or rest[1] not in _VOWELS):
            out.append("й")
            i += 1
            continue
        for latin, cyrillic in _LATIN_SEQUENCES:
            if rest.startswith(latin):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            char = rest[0]
            if char == "c":  # Kuznecov, Cvetkov (ГОСТ B and everyday habit); Victor is mended by the dictionary
                out.append("ц")
            elif char == "y":
                out.append("ы" if i > 0 else "й")
            elif char == "'":
                out.append("ь")
            else:
                out.append(_LATIN_LETTERS.get(char, ""))
            i += 1
    return "".join(out)


@functools.lru_cache(maxsize=200_000)
def clean(word: str, x="кс") -> str:
    """Lower case, Cyrillic letters only (Latin transliterated), ё kept for morphology."""
    word = (word or "").strip().lower()
    if _LATIN.search(word):
        word = "".join(latin_to_cyrillic(part) for part in re.split(r"([^a-z'`]+)", word))
        if x != "кс":
            word = word.replace("кс", x)
    return _NOT_LETTER.sub("", word)


# The letters a Cyrillic initial may be read as after Latin spelling: Юлия → Iuliia (И), Yuliya (Й), Ю.
_INITIAL_READINGS = {"ю": "юий", "я": "яий", "е": "ейэ", "ё": "ейе", "х": "хк", "ц": "цтк", "ж": "жз", "ч": "чцк",
                     "ш": "шс", "щ": "щс", "э": "эе", "й": "йи", "и": "ий"}


def initial_readings(word: str) -> str:
    first = word[:1]
    return _INITIAL_READINGS.get(first, first)


_FOLD = str.maketrans({"ё": "е", "э": "е", "й": "и", "ы": "и", "ъ": None, "ь": None})


@functools.lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """A spelling key insensitive to ё/е, й/и, ы/и and soft and hard signs (where transliteration loses them)."""
    folded = word.translate(_FOLD)
    # Doubled letters are often lost in transliteration (Kirill/Kiril, Alla/Ala).
    return re.sub(r"(.)\1+", r"\1", folded)


# --- first names --------------------------------------------------------------------------------

@functools.cache
def _name_dictionary_lines():
    """[(full name, sex, [short forms])] from names_ru.txt."""
    lines = []
    path = Path(__file__).with_name("names_ru.txt")
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, _, rest = line.partition(":")
        full, sex = head.split()
        lines.append((full, sex, rest.split()))
    return lines


@functools.cache
def _name_dictionary():
    """fold(form) → {(full name, sex)}, every full name also a form of itself."""
    forms: dict[str, set[tuple[str, str]]] = {}
    for full, sex, shorts in _name_dictionary_lines():
        for form in [full, *shorts]:
            forms.setdefault(fold(form), set()).add((full, sex))
    return forms


_AFFECTIONATE = [("енька", "а"), ("онька", "а"), ("ечка", "а"), ("очка", "а"), ("юша", "я"), ("уша", "а"),
                 ("ушка", "а")]


@functools.cache
def name_lemmas(word: str) -> tuple[str, ...]:
    """Nominative candidates of a first name typed in any case: «Сашу» → саша."""
    if not word:
        return ()
    lemmas = [word]
    for parse in morph().parse(word):
        if "Name" in parse.tag and parse.normal_form not in lemmas:
            lemmas.append(parse.normal_form)
    return tuple(lemmas)


@functools.cache
def name_groups(word: str) -> frozenset:
    """The full names a first name may stand for: «Сашу» → {(александр, m), (александра, f)}."""
    dictionary = _name_dictionary()
    groups = set()
    for lemma in name_lemmas(word):
        folded = fold(lemma)
        groups |= dictionary.get(folded, set())
        if not groups:
            for suffix, ending in _AFFECTIONATE:
                if folded.endswith(suffix):
                    groups |= dictionary.get(folded[: -len(suffix)] + ending, set())
    if not groups and len(word) > 3:
        # A misspelt or transliterated name (Alexander → александер, Викторр): the nearest dictionary form.
        best = process.extractOne(fold(word), list(dictionary), scorer=JaroWinkler.similarity, score_cutoff=0.93)
        if best:
            groups |= dictionary[best[0]]
    return frozenset(groups)


# --- surnames and patronymics ----------------------------------------------------------------------

_SURNAME_ENDINGS = [  # oblique case → nominative, for surnames pymorphy3 does not know
    ("ского", "ский"), ("скому", "ский"), ("ским", "ский"), ("ском", "ский"), ("ской", "ская"), ("скую", "ская"),
    ("цкого", "цкий"), ("цкому", "цкий"), ("цким", "цкий"), ("цкой", "цкая"), ("цкую", "цкая"),
    ("ова", "ов"), ("ову", "ов"), ("овым", "ов"), ("овой", "ова"), ("ове", "ов"),
    ("ева", "ев"), ("еву", "ев"), ("евым", "ев"), ("евой", "ева"), ("еве", "ев"),
    ("ина", "ин"), ("ину", "ин"), ("иным", "ин"), ("иной", "ина"), ("ине", "ин"),
]


@functools.cache
def surname_keys(word: str) -> frozenset:
    """Folded nominative forms a surname may have, masculine and feminine merged: «Иванову» → {иванов, иванову}."""
    if not word:
        return frozenset()
    keys = {word}
    for parse in morph().parse(word):
        if "Surn" in parse.tag:
            keys.add(parse.normal_form)
    if len(keys) == 1:
        for ending, nominative in _SURNAME_ENDINGS:
            if word.endswith(ending):
                keys.add(word[: -len(ending)] + nominative)
                break
    # A feminine nominative also keys as the masculine one (Иванова ~ Иванов): pymorphy3 lemmas are masculine.
    for key in list(keys):
        for feminine, masculine in (("ова", "ов"), ("ева", "ев"), ("ина", "ин"), ("ская", "ский"), ("цкая", "цкий")):
            if key.endswith(feminine):
                keys.add(key[: -len(feminine)] + masculine)
    return frozenset(fold(k) for k in keys)


@functools.cache
def patronymic_info(word: str) -> tuple[str, str]:
    """(folded nominative masculine form, sex) of a patronymic in any case: «Петровной» → (петрович, f)."""
    if not word:
        return "", ""
    sex = ""
    lemma = word
    for parse in morph().parse(word):
        if "Patr" in parse.tag:
            lemma = parse.normal_form
            sex = "f" if "femn" in parse.tag else "m"
            break
    else:
        for ending, nominative, guess in (("овна", "ович", "f"), ("евна", "евич", "f"), ("ична", "ич", "f"),
                                          ("инична", "инич", "f"), ("ович", "ович", "m"), ("евич", "евич", "m"),
                                          ("ич", "ич", "m")):
            if ending in word:
                lemma = word[: word.rindex(ending)] + nominative
                sex = guess
                break
    return fold(lemma), sex


@functools.cache
def name_sex(word: str) -> str:
    sexes = {sex for _, sex in name_groups(word)}
    if len(sexes) == 1:
        return sexes.pop()
    for parse in morph().parse(word):
        if "Name" in parse.tag:
            if "masc" in parse.tag:
                return "m"
            if "femn" in parse.tag:
                return "f"
    return ""


def is_first_name(word: str) -> bool:
    """A name the dictionary knows exactly (not by a fuzzy guess)."""
    dictionary = _name_dictionary()
    return any(fold(lemma) in dictionary for lemma in name_lemmas(word))


_SURNAME_SUFFIXES = ("ов", "ев", "ёв", "ин", "ын", "ова", "ева", "ёва", "ина", "ына", "ский", "ская", "цкий", "цкая",
                     "ко", "ук", "юк", "их", "ых", "ян", "швили", "дзе")


def looks_like_surname(word: str) -> bool:
    if any("Surn" in p.tag for p in morph().parse(word)):
        return True
    return any(key.endswith(_SURNAME_SUFFIXES) for key in surname_keys(word))
