"""Depersonalisation of Russian case narratives (DESIGN §5: pymorphy3 and natasha plus rules).

`depersonalise(text, persons)` finds what identifies a family and returns the text with:
- the case's known persons replaced by their roles in the grammatical case of the name they replace
  («Машеньку» → «дочь (12 лет)», «с Ивановой Марией Петровной» → «с матерью»), short and affectionate forms included;
- other names → «[ФИО]», places → «[место]», addresses → «[адрес]», phones, e-mails, links, document numbers
  → «[телефон]» … , school and institution numbers → «[№]», exact dates → «[март 2026]», dates of birth → age.

Every replacement is a `Span` in the original text's coordinates, so a person can review each one. Nothing here
logs text: narratives are tier T3 until depersonalised.

The package by concern, each module using only those above it:
`patterns` (shared expressions and word lists) · `spans` (kinds, marks, `KnownPerson`, `Span`, `Result`) ·
`persons` (the case's known persons) · `others` (other people's names) · `details` (numbers, addresses,
dates) · `ner` (natasha, for places and organisations) · `pipeline` (putting it together, the leak check).
"""

from .ner import _natasha, _ner
from .patterns import _years
from .pipeline import depersonalise, leaks
from .spans import MARKS, ORG, PERSON, PLACE, KnownPerson, Result, Span

__all__ = ["MARKS", "ORG", "PERSON", "PLACE", "KnownPerson", "Result", "Span", "_natasha", "_ner", "_years",
           "depersonalise", "leaks"]
