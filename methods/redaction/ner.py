"""natasha's named-entity recogniser for places and organisations (loaded once, lazily: it is heavy)."""

import functools
import re

from .patterns import _NOT_PLACES, _at_sentence_start
from .spans import MARKS, ORG, PLACE, Span

# --- natasha ------------------------------------------------------------------------------------

@functools.cache
def _natasha():
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


def _ner(text):
    from natasha import Doc

    segmenter, tagger = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [(s.start, s.stop, s.type) for s in doc.spans]


_TOPONYM_ADJECTIVE = re.compile(r"(?<![А-Яа-яЁё.])([А-ЯЁ][а-яё]+(?:ск|цк)(?:ий|ого|ому|им|ом|ая|ой|ую|ое|ие|их|ими))\b")
_NAMED_SCHOOL = re.compile(r"(?<![А-Яа-яЁё])[А-ЯЁ][а-яё]+(?:ск|цк)[а-яё]{1,3}\s+(?:СОШ|ООШ|НОШ|школ[а-яё]*|"
                           r"гимнази[а-яё]*|лице[йяюе][а-яё]*|детск[а-яё]+ сад[а-яё]*|интернат[а-яё]*)")


def _place_and_org_spans(text, ner_spans):
    spans = [Span(m.start(), m.end(), ORG, MARKS[ORG]) for m in _NAMED_SCHOOL.finditer(text)]
    # «Сафоновского районного суда», «Кимрский район»: an adjective made from a place name, inside a sentence.
    for match in _TOPONYM_ADJECTIVE.finditer(text):
        word = match.group(1)
        if not _at_sentence_start(text, match.start()) and not word.lower().startswith(("российск", "советск")):
            spans.append(Span(match.start(), match.end(), PLACE, MARKS[PLACE]))
    for start, end, kind in ner_spans:
        chunk = text[start:end]
        if kind == "LOC" and chunk.lower() not in _NOT_PLACES:
            spans.append(Span(start, end, PLACE, MARKS[PLACE]))
        elif kind == "ORG" and re.search(r"[«\"“„№]", chunk):
            if chunk.count("«") > chunk.count("»") and text[end:end + 1] == "»":
                end += 1
            spans.append(Span(start, end, ORG, MARKS[ORG]))
    return spans


# --- putting it together ------------------------------------------------------------------------
