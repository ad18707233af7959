"""Depersonalisation of Russian case narratives (DESIGN §5: pymorphy3 and natasha plus rules).

`depersonalise(text, persons)` finds what identifies a family and returns the text with:
- the case's known persons replaced by their roles in the grammatical case of the name they replace
  («Машеньку» → «дочь (12 лет)», «с Ивановой Марией Петровной» → «с матерью»), short and affectionate forms included;
- other names → «[ФИО]», places → «[место]», addresses → «[адрес]», phones, e-mails, links, document numbers
  → «[телефон]» … , school and institution numbers → «[№]», exact dates → «[март 2026]», dates of birth → age.

Every replacement is a `Span` in the original text's coordinates, so a person can review each one. Nothing here
logs text: narratives are tier T3 until depersonalised.
"""

import datetime
import functools
import re
from dataclasses import dataclass, field

from django.utils import timezone

from people.matching import text as names

MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь", "ноябрь",
          "декабрь"]
_MONTH_STEMS = ["январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр", "октябр", "ноябр",
                "декабр"]
_MONTH_WORD = r"(?:январ[а-яё]*|феврал[а-яё]*|март[а-яё]*|апрел[а-яё]*|ма[йяюе]|июн[а-яё]*|июл[а-яё]*|август[а-яё]*" \
              r"|сентябр[а-яё]*|октябр[а-яё]*|ноябр[а-яё]*|декабр[а-яё]*" \
              r"|(?:янв|фев|мар|апр|авг|сент?|окт|нояб?|дек)\.)"  # «05 мар. 2014»
_MONTH_BY_PREFIX = {"янв": 1, "фев": 2, "мар": 3, "апр": 4, "май": 5, "мая": 5, "мае": 5, "маю": 5, "июн": 6,
                    "июл": 7, "авг": 8, "сен": 9, "окт": 10, "ноя": 11, "дек": 12}

# Numbers written in words, as dates are in letters and statements («пятого марта две тысячи четырнадцатого
# года»): stems of ordinals and cardinals with their values; a number is the sum of its words.
_NUMBER_STEMS = [
    ("одиннадцат", 11), ("двенадцат", 12), ("тринадцат", 13), ("четырнадцат", 14), ("пятнадцат", 15),
    ("шестнадцат", 16), ("семнадцат", 17), ("восемнадцат", 18), ("девятнадцат", 19), ("двадцат", 20),
    ("двадцать", 20), ("тридцат", 30), ("тридцать", 30), ("сорок", 40), ("пятидесят", 50), ("пятьдесят", 50),
    ("шестидесят", 60), ("шестьдесят", 60), ("семидесят", 70), ("семьдесят", 70), ("восьмидесят", 80),
    ("восемьдесят", 80), ("девяност", 90), ("девяносто", 90), ("двухтысячн", 2000), ("тысячн", 1000),
    ("перв", 1), ("втор", 2), ("трет", 3), ("четв", 4), ("пят", 5), ("шест", 6), ("седьм", 7), ("восьм", 8),
    ("девят", 9), ("десят", 10), ("один", 1), ("два", 2), ("три", 3), ("четыре", 4), ("семь", 7), ("восемь", 8),
]
_NUMBER_WORD = r"(?:" + "|".join(stem for stem, _ in _NUMBER_STEMS) + r")[а-яё]*"
_DAY_IN_WORDS = r"(?:(?:двадцать|тридцать)\s+)?" + _NUMBER_WORD
_YEAR_IN_WORDS = (r"(?:две\s+тысячи|тысяча\s+девятьсот|двухтысячн[а-яё]*)(?:\s+" + _NUMBER_WORD + r"){0,2}")
_DATE_IN_WORDS = re.compile(
    r"(?<![А-Яа-яЁё])(" + _DAY_IN_WORDS + r")\s+(" + _MONTH_WORD + r")(?:\s+(" + _YEAR_IN_WORDS +
    r")(?:\s+год[а-яё]*)?)?", re.I)

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


# --- rules --------------------------------------------------------------------------------------

# Every pattern that starts with a repeated class has a look-behind for that class, so a match is tried only where
# a run begins: a 20,000-digit or 20,000-letter line is scanned once, not once per position (linear, not quadratic).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# «ivanova собака mail точка ru», «petrov (at) yandex (dot) ru»
_EMAIL_SPOKEN = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._+-]+\s*[\[(]?\s*(?:собака|собачка|at)\s*[\])]?\s*[A-Za-z0-9-]+"
    r"(?:\s*[\[(]?\s*(?:точка|dot)\s*[\])]?\s*[A-Za-z]{2,6})+", re.I)
# «телеграм petrov_dad», «ник в вк: mama_ivanova», «WhatsApp: ivanova»
_MESSENGER = re.compile(
    r"(?:телеграм[а-яё]*|телеграмм[а-яё]*|telegram|tg|тг|ватсап[а-яё]*|вотсап[а-яё]*|whatsapp|вайбер[а-яё]*|viber|"
    r"вк|vk|вконтакте|инстаграм[а-яё]*|инста|instagram|skype|скайп[а-яё]*|одноклассник[а-яё]*|ник[а-яё]*|"
    r"логин[а-яё]*)(?:\s+(?:в|во)\s+[а-яё]+)?\s*[:\-–]?\s*@?(?P<handle>[A-Za-z][A-Za-z0-9_.]{2,})(?![\w@])", re.I)
_LINK = re.compile(r"(?:https?://|www\.)\S+?(?=[.,;:!?)»]*(?:\s|$))"
                   r"|\b(?:vk\.com|vk\.ru|t\.me|ok\.ru|instagram\.com|youtube\.com)/\S+?(?=[.,;:!?)»]*(?:\s|$))"
                   r"|(?<![\w@])@[A-Za-z0-9_.]{3,}", re.I)
_DOCUMENTS = [
    re.compile(r"(?<![\d-])\d{3}-\d{3}-\d{3}[\s-]\d{2}(?!\d)"),                      # СНИЛС
    re.compile(r"(?<![\w-])[IVXLСС1І]{1,4}\s?-\s?[А-ЯЁ]{2}\s*№?\s*\d{6}(?!\d)"),     # свидетельство о рождении
    re.compile(r"(?<!\d)\d{2}\s?\d{2}\s*№?\s*\d{6}(?!\d)"),                           # паспорт
    # a car's registration number
    re.compile(r"(?<![\w])[АВЕКМНОРСТУХABEKMHOPCTYX]\s?\d{3}\s?[АВЕКМНОРСТУХABEKMHOPCTYX]{2}\s?\d{2,3}(?!\w)"),
    re.compile(r"(?:серия|сер\.)\s*[\wА-ЯЁ-]{2,6}\s*(?:№|номер)\s*\d{4,}", re.I),
    # any numbered document: «№ 114/9», «№ 67 АА 123456»
    re.compile(r"(?<![\w/])(?:№|No\.?)\s*\d[\dА-ЯЁA-Z\-/]*(?:\.\d+)*(?:\s(?:[А-ЯЁA-Z]{1,3}|\d{2,})(?![\w]))*"),
    re.compile(r"(?<!\d)(?<!\d[.,])\d{5,}(?:[ -]\d{2,})*(?!\d)(?![.,]\d)"),             # ИНН, полис, счёт …
    re.compile(r"(?<!\d)(?<!\d[.,])\d{4}(?:[ -]\d{4}){2,}(?!\d)(?![.,]\d)"),            # полис, карта по 4 цифры
]
_PHONE_CANDIDATE = re.compile(r"(?<![\w+(])(?:\+\s?|\()?\d[\d\s()\-–]{4,}\d(?![\d])")
_INSTITUTION = (r"(?:школ[а-яё]*(?:-интернат[а-яё]*)?|сош|оош|нош|сш|гимнази[а-яё]*|лице[йяюе][а-яё]*|"
                r"детск[а-яё]*\s+сад[а-яё]*|детсад[а-яё]*|д/с|доу|доо|мбоу|маоу|мкоу|гбоу|колледж[а-яё]*|"
                r"техникум[а-яё]*|интернат[а-яё]*|детск[а-яё]*\s+дом[а-яё]*|д/д|срцн|цссв|больниц[а-яё]*|"
                r"поликлиник[а-яё]*|отдел[а-яё]*\s+полиции|оп|центр[а-яё]*|училищ[а-яё]*|группа|группе|группу)")
_INSTITUTION_NUMBER = [
    re.compile(_INSTITUTION + r"[\s\-]*(?P<n>(?:№|N)\s*\d+[а-яё]?|\d+[а-яё]?)(?!\d)(?!\.\d)", re.I),
    re.compile(r"(?<!\d)(?P<n>\d+\s*-?\s*(?:[йяюое]|ой|ая|ую|ом|ого|го|ей)?)\s+" + _INSTITUTION + r"\b", re.I),
]
_SETTLEMENT = r"(?:г\.|гор\.|город[а-яё]*|пос\.|посел[а-яё]*|п\.|пгт\.?|с\.|село|сел[аеу]|дер\.|д\.|деревн[а-яё]*|" \
              r"ст-ц[аеы]|станиц[а-яё]*|х\.|хутор[а-яё]*|р-н|район[а-яё]*)"
_STREET = r"(?:ул\.|улиц[а-яё]*|пр-т|пр\.|просп\.|проспект[а-яё]*|пер\.|переул[а-яё]*|б-р|бул\.|бульвар[а-яё]*|" \
          r"ш\.|шоссе|пл\.|площад[а-яё]*|наб\.|набережн[а-яё]*|мкр\.?|мкрн\.?|микрорайон[а-яё]*|проезд[а-яё]*|" \
          r"туп\.|тупик[а-яё]*|кв-л|квартал[а-яё]*|снт|тер\.)"
_PROPER = r"[А-ЯЁ0-9][А-Яа-яЁё0-9\-]*(?:\s+[А-ЯЁ][А-Яа-яЁё\-]*){0,2}"
_ADDRESS_PART = re.compile(
    r"(?:\b\d{6}\b"
    r"|(?<![А-Яа-яЁё])" + _SETTLEMENT + r"\s*[А-ЯЁ][А-Яа-яЁё\-]+(?:\s+[А-ЯЁ][А-Яа-яЁё\-]+)?"
    r"|(?<![А-Яа-яЁё])" + _STREET + r"\s*(?:\d+-?[а-яё]{0,2}\s+)?" + _PROPER +
    r"|(?<![А-Яа-яЁё\-])[А-ЯЁ][А-Яа-яЁё\-]+\s+(?:ул\.|улиц[аеыу]|пер\.|переул[а-яё]+|пр-т|проспект[а-яё]*|бульвар[а-яё]*)"
    r"|(?<![А-Яа-яЁё])(?:д\.|дом[а-яё]*)\s*№?\s*\d+[а-яё]?(?:/\d+)?"
    r"|(?<![А-Яа-яЁё])(?:корп\.|корпус[а-яё]*|к\.|стр\.|строени[а-яё]+)\s*\d+"
    r"|(?<![А-Яа-яЁё])(?:кв\.?|квартир[а-яё]*|комн\.?|комнат[а-яё]*)\s*№?\s*\d+"
    r"|(?<![А-Яа-яЁё\-])[А-ЯЁ][а-яё]+(?:ая|ий|ой|ую|ом|ого)\s+(?:обл\.|област[ьиюи]|областью|кра[йяею]|р-н[аеу]?|район(?:а|е|у|ом)?\b)"
    r"|(?<![А-Яа-яЁё])(?:обл\.|област[ьи])\s+[А-ЯЁ][а-яё]+ая)",
)
_ADDRESS_GLUE = re.compile(r"[\s,;]*")
_BARE_HOUSE = re.compile(r"[\s,]+\d+[а-яё]?(?:/\d+)?(?:\s*[-–]\s*\d+)?(?!\d)(?!\.\d)")
_DATE_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?![\d.]\d)")
_DATE_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_DATE_WORDS = re.compile(
    r"(?<!\d)(\d{1,2})(?:-?го)?\s+(" + _MONTH_WORD + r")(?:\s+(\d{4})(?:\s*(?:г\.|года|году|г\b))?)?", re.I)
_DATE_TAIL = re.compile(r"\s*(?:г\.\s*р\.?|г\.р\.?|гр\.|года рождения|г\. рождения)", re.I)
_BIRTH_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:г\.\s*р\.?|г\.р\.?|гр\.|года рождения|г\. рождения)"
                         r"|(?:родил[а-яё]*|рожд[а-яё]+)\s+в\s+((?:19|20)\d{2})\s*(?:году|г\.)", re.I)
_DAY_MONTH = re.compile(r"\b(?:на|с|со|до|от|по|к|ко|в|за|дата|числа)\s(?P<d>\d{1,2})\.(?P<m>\d{2})(?!\d|\.\d)", re.I)
_BIRTH_CONTEXT = re.compile(r"(?:родил[а-яё]*|рожд[а-яё]*|д\.\s?р\.|др|д/р|дата рожд[а-яё.]*)[\s:,]*$", re.I)
_SENTENCE_END = re.compile(r"(?:^|[.!?…\n]\s*|^\s*[-–—•*]\s*)[«\"(]?$")
_WORD = re.compile(r"[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁё]+)?")
_INITIAL = re.compile(r"\s*[А-ЯЁA-Z]\.(?:\s?[А-ЯЁA-Z]\.)?")
_PREPOSITION_CASE = {
    "у": {"gent"}, "от": {"gent"}, "до": {"gent"}, "без": {"gent"}, "для": {"gent"}, "из": {"gent"},
    "около": {"gent"}, "возле": {"gent"}, "после": {"gent"}, "кроме": {"gent"}, "со": {"ablt"},
    "к": {"datv"}, "ко": {"datv"}, "по": {"datv"}, "с": {"ablt"}, "между": {"ablt"}, "над": {"ablt"},
    "под": {"ablt"}, "перед": {"ablt"}, "за": {"ablt", "accs"}, "о": {"loct"}, "об": {"loct"}, "при": {"loct"},
    "на": {"accs", "loct"}, "в": {"accs", "loct"}, "про": {"accs"}, "через": {"accs"},
}
_NOT_PLACES = {"россия", "россии", "россию", "россией", "российская федерация", "российской федерации", "рф", "ссср"}
_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")


def _years(n):
    if n % 10 == 1 and n % 100 != 11:
        return f"{n} год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return f"{n} года"
    return f"{n} лет"


def _age_mark(born: datetime.date, today: datetime.date):
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"[возраст: {_years(max(years, 0))}]"


def _at_sentence_start(text, start):
    before = text[max(0, start - 6):start]
    return bool(_SENTENCE_END.search(before)) and not re.search(r"(?:^|[\s.])[А-ЯЁA-Z]\.\s*$", before)


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
