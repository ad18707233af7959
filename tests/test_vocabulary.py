"""One vocabulary (docs/glossary.md): the Russian catalogue uses one word for one thing."""

import re
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "ru" / "LC_MESSAGES" / "django.po"

# word that must not appear → the term the glossary uses instead, and the phrases (patterns) where it is right.
AVOID = {
    r"координатор": ("куратор службы", ()),
    r"соглашени": ("договор / план семьи", (r"соглашени\w* о гранте",)),
    r"договорённост": ("договор / план семьи", ()),
    r"отч[её]т": ("информация о результатах программы", (r"отч[её]т\w* о мероприяти\w*", r"отч[её]т записан")),
    r"внести пересмотр": ("провести пересмотр плана семьи", ()),
}


def offending(text):
    found = []
    lowered = text.lower()
    for pattern, (instead, allowed) in AVOID.items():
        cleaned = lowered
        for phrase in allowed:
            cleaned = re.sub(phrase, "", cleaned)
        if re.search(pattern, cleaned):
            found.append(f"«{pattern}» → {instead}")
    return found


def test_the_catalogue_keeps_to_the_glossary():
    problems = []
    for entry in polib.pofile(str(CATALOGUE)):
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        for text in texts:
            for problem in offending(text):
                problems.append(f"{entry.msgid[:60]!r}: {problem}")
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_synonym():
    assert offending("Координатор подпишет отчёт") == ["«координатор» → куратор службы",
                                                       "«отч[её]т» → информация о результатах программы"]
    assert offending("Отчёт о мероприятии по соглашению о гранте") == []
