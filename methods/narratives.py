"""Invented case narratives with every identifying span labelled, for the depersonalisation benchmark and tests.

A narrative is built from sentence patterns that mention the family (in every grammatical case, with short and
affectionate name forms, initials, surnames alone), other people (teachers, inspectors, neighbours), addresses,
phones, e-mails, links, document numbers, school numbers, places and dates in the ways social workers write them.
Each mention is recorded as (start, end, kind); nothing here is a real person.
"""

import datetime
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from people.matching import synthetic
from people.matching import text as names

from .redaction import KnownPerson

CASES = ["nomn", "gent", "datv", "accs", "ablt", "loct"]
CITIES = ["Тверь", "Кимры", "Ржев", "Торжок", "Вышний Волочёк", "Бежецк", "Конаково", "Осташков", "Лихославль",
          "Удомля", "Нелидово", "Старица", "Кашин", "Бологое", "Андреаполь"]
CITY_LOCT = {"Тверь": "Твери", "Кимры": "Кимрах", "Ржев": "Ржеве", "Торжок": "Торжке", "Бежецк": "Бежецке",
             "Конаково": "Конаково", "Осташков": "Осташкове", "Лихославль": "Лихославле", "Удомля": "Удомле",
             "Нелидово": "Нелидово", "Старица": "Старице", "Кашин": "Кашине", "Бологое": "Бологом",
             "Андреаполь": "Андреаполе", "Вышний Волочёк": "Вышнем Волочке"}
STREETS = ["Ленина", "Советская", "Мира", "Гагарина", "Садовая", "Пушкина", "Школьная", "Молодёжная", "Заводская",
           "Лесная", "Центральная", "Комсомольская", "Кирова", "Чапаева", "Победы", "Строителей", "Новая",
           "Октябрьская", "Первомайская", "Зелёная"]
MONTHS_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
              "ноября", "декабря"]
ROLES_MOTHER = ["мать", "мама"]


def inflect(word: str, case: str, kind: str, sex: str) -> str:
    """A name, surname or patronymic in a grammatical case (pymorphy3, with rules for surnames it does not know)."""
    if case == "nomn" or not word:
        return word
    tag = {"name": "Name", "surname": "Surn", "patronymic": "Patr"}[kind]
    gender = "femn" if sex == "f" else "masc"
    for parse in names.morph().parse(word):
        if tag in parse.tag and (parse.tag.gender in (gender, None) or "ms-f" in parse.tag) and \
                parse.tag.case == "nomn":
            form = parse.inflect({case, "sing"})
            if form:
                return form.word[:1].upper() + form.word[1:]
    if kind == "surname":
        endings = {
            "f": {"ова": "овой", "ева": "евой", "ина": "иной", "ская": "ской", "цкая": "цкой", "ына": "ыной"},
            "m": {"ов": {"gent": "ова", "datv": "ову", "accs": "ова", "ablt": "овым", "loct": "ове"},
                  "ев": {"gent": "ева", "datv": "еву", "accs": "ева", "ablt": "евым", "loct": "еве"},
                  "ин": {"gent": "ина", "datv": "ину", "accs": "ина", "ablt": "иным", "loct": "ине"},
                  "ский": {"gent": "ского", "datv": "скому", "accs": "ского", "ablt": "ским", "loct": "ском"}},
        }
        for ending, form in endings[sex if sex in ("f", "m") else "m"].items():
            if word.endswith(ending):
                if sex == "f":
                    return word[: -len(ending)] + (form if case != "accs" else ending[:-1] + "у")
                return word[: -len(ending)] + form[case]
    return word


@dataclass
class Member:
    surname: str
    name: str
    patronymic: str
    sex: str
    birth_date: datetime.date
    label: str
    short: list = field(default_factory=list)

    def known(self):
        return KnownPerson(self.label, self.surname, self.name, self.patronymic, self.birth_date, sex=self.sex)


@dataclass
class Narrative:
    text: str
    spans: list  # [(start, end, kind)]
    persons: list  # [KnownPerson]


class _Writer:
    def __init__(self):
        self.parts, self.spans, self.length = [], [], 0

    def plain(self, text):
        if text.startswith(".") and self.parts and self.parts[-1].endswith("."):
            text = text[1:]  # «… В. С.» ends the sentence with the initial's own full stop
        self.parts.append(text)
        self.length += len(text)

    def mark(self, text, kind):
        self.spans.append((self.length, self.length + len(text), kind))
        self.plain(text)


def _cap(word):
    return word[:1].upper() + word[1:]


class Generator:
    def __init__(self, seed=0, today=datetime.date(2026, 11, 30)):
        self.rng = random.Random(seed)  # nosec B311
        self.today = today
        self.pool = synthetic._surname_pool(self.rng)[0]
        self.by_sex, self.forms = synthetic._names_by_sex()

    def _surname(self, sex):
        base = self.rng.choice(self.pool)
        base = base[:1].upper() + base[1:]
        return synthetic.feminine(base) if sex == "f" else base

    def _first(self, sex):
        return self.rng.choice(self.by_sex[sex])

    def _person(self, sex, age, label, surname=None, father=None):
        name = self._first(sex)
        father = father or self._first("m")
        born = self.today - datetime.timedelta(days=int(age * 365.25) + self.rng.randint(1, 300))
        member = Member(surname or self._surname(sex), _cap(name), _cap(synthetic.patronymic(father, sex)), sex,
                        born, label, [_cap(s) for s in self.forms.get(name, [])])
        return member

    def family(self):
        mother = self._person("f", self.rng.randint(26, 45), "мать")
        father_label = self.rng.choice(["отец", "отчим"])
        father = self._person("m", self.rng.randint(28, 50), father_label,
                              surname=None if father_label == "отчим" or self.rng.random() < 0.2
                              else mother.surname[:-1] if mother.surname.endswith("а") else mother.surname)
        child_sex = self.rng.choice("mf")
        age = self.rng.randint(7, 17)
        child_surname = mother.surname if child_sex == "f" else (
            mother.surname[:-1] if mother.surname.endswith(("ова", "ева", "ина")) else mother.surname)
        child = self._person(child_sex, age, f"{'сын' if child_sex == 'm' else 'дочь'}, {age} лет",
                             surname=child_surname, father=father.name.lower())
        members = [mother, father, child]
        if self.rng.random() < 0.4:
            gm = self._person("f", self.rng.randint(55, 75), "бабушка")
            members.append(gm)
        return members

    # --- mentions ---------------------------------------------------------------------------

    def mention(self, w: _Writer, m: Member, case: str):
        """One way a social worker names a family member, in the given grammatical case."""
        style = self.rng.random()
        sur = inflect(m.surname, case, "surname", m.sex)
        nm = inflect(m.name, case, "name", m.sex)
        pat = inflect(m.patronymic, case, "patronymic", m.sex)
        if style < 0.2:
            text = f"{sur} {nm} {pat}"
        elif style < 0.3:
            text = f"{nm} {pat} {sur}"
        elif style < 0.45:
            text = f"{sur} {m.name[0]}. {m.patronymic[0]}."
        elif style < 0.55:
            text = f"{nm} {pat}"
        elif style < 0.7 and m.short:
            text = inflect(self.rng.choice(m.short), case, "name", m.sex)
        elif style < 0.8:
            text = sur
        elif style < 0.9:
            text = f"{nm} {sur}"
        else:
            text = nm
        w.mark(text, "known")

    def other(self, w, case="nomn"):
        sex = self.rng.choice("mf")
        sur, nm = self._surname(sex), _cap(self._first(sex))
        pat = _cap(synthetic.patronymic(self._first("m"), sex))
        style = self.rng.random()
        if style < 0.35:
            text = f"{inflect(nm, case, 'name', sex)} {inflect(pat, case, 'patronymic', sex)}"
        elif style < 0.7:
            text = f"{inflect(sur, case, 'surname', sex)} {nm[0]}.{pat[0]}."
        else:
            text = f"{inflect(sur, case, 'surname', sex)} {inflect(nm, case, 'name', sex)} " \
                   f"{inflect(pat, case, 'patronymic', sex)}"
        w.mark(text, "person")

    def address(self, w):
        city = self.rng.choice(CITIES)
        street = self.rng.choice(STREETS)
        house, flat = self.rng.randint(1, 120), self.rng.randint(1, 240)
        style = self.rng.random()
        if style < 0.3:
            text = f"г. {city}, ул. {street}, д. {house}, кв. {flat}"
        elif style < 0.5:
            text = f"ул. {street}, д.{house}, кв.{flat}"
        elif style < 0.7:
            text = f"улица {street}, дом {house}, квартира {flat}"
        elif style < 0.85:
            text = f"{self.rng.randint(170000, 172999)}, Тверская обл., г. {city}, пр-т {street}, {house}-{flat}"
        else:
            text = f"пер. {street}, д. {house}"
        w.mark(text, "address")

    def phone(self, w):
        d = [self.rng.randint(0, 9) for _ in range(7)]
        code = self.rng.choice(["912", "920", "904", "960", "980", "903", "915"])
        style = self.rng.random()
        if style < 0.3:
            text = f"+7 ({code}) {d[0]}{d[1]}{d[2]}-{d[3]}{d[4]}-{d[5]}{d[6]}"
        elif style < 0.55:
            text = f"8-{code}-{d[0]}{d[1]}{d[2]}-{d[3]}{d[4]}-{d[5]}{d[6]}"
        elif style < 0.75:
            text = f"8{code}{''.join(map(str, d))}"
        elif style < 0.9:
            text = f"+7 {code} {d[0]}{d[1]}{d[2]} {d[3]}{d[4]} {d[5]}{d[6]}"
        else:
            text = f"{d[0] or 2}-{d[1]}{d[2]}-{d[3]}{d[4]}"
        w.mark(text, "phone")

    def email(self, w, m: Member):
        login = _latin(m.surname.lower()) + self.rng.choice(["", ".", "_"]) + str(self.rng.randint(70, 2015))
        w.mark(f"{login}@{self.rng.choice(['mail.ru', 'yandex.ru', 'gmail.com', 'bk.ru'])}", "email")

    def date(self, w, past_days=400):
        day = self.today - datetime.timedelta(days=self.rng.randint(1, past_days))
        style = self.rng.random()
        if style < 0.45:
            text = day.strftime("%d.%m.%Y")
        elif style < 0.8:
            text = f"{day.day} {MONTHS_GEN[day.month - 1]} {day.year} года"
        elif style < 0.9:
            text = f"{day.day} {MONTHS_GEN[day.month - 1]}"
        else:
            text = day.strftime("%d.%m.%y")
        w.mark(text, "date")

    def birth(self, w, m: Member):
        style = self.rng.random()
        text = m.birth_date.strftime("%d.%m.%Y") if style < 0.6 else \
            f"{m.birth_date.day} {MONTHS_GEN[m.birth_date.month - 1]} {m.birth_date.year}"
        w.mark(text, "birth")

    def document(self, w):
        style = self.rng.random()
        r = self.rng.randint
        if style < 0.3:
            w.plain("свидетельство о рождении ")
            w.mark(f"{self.rng.choice(['I', 'II', 'III', 'IV'])}-ОН № {r(100000, 999999)}", "document")
        elif style < 0.55:
            w.plain("паспорт ")
            w.mark(f"{r(10, 99)} {r(10, 99)} {r(100000, 999999)}", "document")
        elif style < 0.8:
            w.plain("СНИЛС ")
            w.mark(f"{r(100, 999)}-{r(100, 999)}-{r(100, 999)} {r(10, 99)}", "document")
        else:
            w.plain("полис ОМС ")
            w.mark(f"{r(1000000000000000, 9999999999999999)}", "document")

    def school(self, w):
        n = self.rng.randint(1, 60)
        kind = self.rng.choice(["школе", "СОШ", "гимназии", "лицее", "школе-интернате", "детском саду"])
        style = self.rng.random()
        if style < 0.6:
            w.plain(f"{kind} ")
            w.mark(f"№ {n}", "number")
        elif style < 0.8:
            w.plain(f"{kind} ")
            w.mark(f"№{n}", "number")
        else:
            w.mark(f"{n}-й", "number")
            w.plain(" школе")

    def city(self, w):
        w.mark(CITY_LOCT[self.rng.choice(CITIES)], "place")

    # --- narratives ---------------------------------------------------------------------------

    def narrative(self) -> Narrative:
        fam = self.family()
        mother, father, child = fam[0], fam[1], fam[2]
        w = _Writer()
        rng = self.rng
        sentences = [
            lambda: (w.plain("В службу обратилась "), self.mention(w, mother, "nomn"), w.plain(", ")),
            lambda: (self.birth(w, mother), w.plain(" г.р., проживающая по адресу: "), self.address(w),
                     w.plain(". ")),
            lambda: (w.plain("Со слов "), self.mention(w, mother, "gent"), w.plain(", "),
                     self.mention(w, child, "nomn"), w.plain(" перестал(а) ходить в школу после ссоры с "),
                     self.mention(w, father, "ablt"), w.plain(". ")),
            lambda: (self.mention(w, child, "nomn"), w.plain(" (дата рождения "), self.birth(w, child),
                     w.plain(") учится в "), self.school(w), w.plain(", классный руководитель "), self.other(w),
                     w.plain(". ")),
            lambda: (w.plain("Предварительная встреча с "), self.mention(w, father, "ablt"),
                     w.plain(" состоялась "), self.date(w), w.plain(" в "), self.city(w), w.plain(". ")),
            lambda: (w.plain("Контактный телефон матери: "), self.phone(w), w.plain(", e-mail "),
                     self.email(w, mother), w.plain(". ")),
            lambda: (w.plain("Инспектор ПДН "), self.other(w), w.plain(" сообщил(а), что "),
                     self.mention(w, child, "accs"), w.plain(" дважды задерживали вечером. ")),
            lambda: (w.plain("На встрече "), self.mention(w, child, "nomn"), w.plain(" сказал(а) "),
                     self.mention(w, mother, "datv"), w.plain(", что боится оставаться дома с "),
                     self.mention(w, father, "ablt"), w.plain(". ")),
            lambda: (w.plain("Ведущий передал "), self.mention(w, mother, "datv"),
                     w.plain(" копию договора; "), self.document(w), w.plain(" ребёнка приложено. ")),
            lambda: (w.plain("Мы долго говорили о "), self.mention(w, child, "loct"),
                     w.plain(" и о том, как поддержать семью. ")),
            lambda: (w.plain("Соседка "), self.other(w), w.plain(", живущая на "), self.address(w),
                     w.plain(", жаловалась на шум. ")),
            lambda: (w.plain("Семья переехала из "), self.city(w), w.plain(" "), self.date(w),
                     w.plain(". ")),
            lambda: (w.plain("Отчим попросил звонить ему по номеру "), self.phone(w), w.plain(". ")),
            lambda: (w.plain("Классный руководитель передала характеристику на "), self.mention(w, child, "accs"),
                     w.plain(" и записку от "), self.other(w, "gent"), w.plain(". ")),
            lambda: (self.mention(w, father, "nomn"), w.plain(" согласился участвовать при условии, что "),
                     self.mention(w, mother, "nomn"), w.plain(" не будет его перебивать. ")),
            lambda: (w.plain("Страница "), self.mention(w, child, "gent"), w.plain(" в соцсети: "),
                     w.mark(f"vk.com/id{rng.randint(100000, 99999999)}", "link"), w.plain(". ")),
            lambda: (w.plain("Решение КДН и ЗП от "), self.date(w), w.plain(" "),
                     w.mark(f"№ {rng.randint(1, 400)}/{rng.randint(1, 30)}", "document"),
                     w.plain(" направлено в службу. ")),
            lambda: (w.plain("Договорились, что "), self.mention(w, mother, "nomn"),
                     w.plain(" будет встречать "), self.mention(w, child, "accs"),
                     w.plain(" после уроков, а "), self.mention(w, father, "nomn"),
                     w.plain(" — помогать с уроками по выходным. ")),
        ]
        if len(fam) > 3:
            gm = fam[3]
            sentences.append(lambda: (w.plain("Бабушка, "), self.mention(w, gm, "nomn"), w.plain(", "),
                                      self.birth(w, gm), w.plain(" г.р., готова забирать ребёнка к себе. ")))
        first, rest = sentences[:2], sentences[2:]
        rng.shuffle(rest)
        for sentence in first + rest[: rng.randint(6, len(rest))]:
            sentence()
        return Narrative("".join(w.parts).strip(), w.spans, [m.known() for m in fam])


def _latin(word):
    table = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
                      "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"], strict=True))
    return "".join(table.get(ch, ch) for ch in word)


def evaluate(narratives, depersonalise):
    """Recall: labelled spans with no letter or digit left outside a replacement; precision: replacements that
    cover a labelled span. Per kind as well."""
    found = total = true_pos = predicted = 0
    by_kind: dict[str, list[int]] = {}
    chars = 0
    leaks = []
    for item in narratives:
        result = depersonalise(item.text, item.persons)
        chars += len(item.text)
        covered = [False] * len(item.text)
        for span in result.spans:
            for i in range(span.start, span.end):
                covered[i] = True
        for start, end, kind in item.spans:
            total += 1
            ok = all(covered[i] for i in range(start, end) if item.text[i].isalnum())
            found += ok
            stats = by_kind.setdefault(kind, [0, 0])
            stats[0] += ok
            stats[1] += 1
            if not ok and len(leaks) < 30:
                leaks.append((kind, item.text[start:end]))
        for span in result.spans:
            predicted += 1
            true_pos += any(span.start < e and s < span.end for s, e, _ in item.spans)
    return {
        "narratives": len(narratives), "characters": chars, "labelled_spans": total,
        "recall": found / total if total else 1.0, "precision": true_pos / predicted if predicted else 1.0,
        "recall_by_kind": {k: round(v[0] / v[1], 4) for k, v in sorted(by_kind.items())},
        "missed_examples": leaks,
    }


def handwritten():
    """The hand-written narratives of data/handwritten.txt, parsed into `Narrative`s."""

    source = Path(__file__).with_name("data").joinpath("handwritten.txt").read_text(encoding="utf-8")
    out = []
    for block in source.split("\n---\n"):
        persons, body = [], []
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            if line.startswith("@ "):
                spec, _, born = line[2:].partition(";")
                person = KnownPerson.from_spec(spec.strip())
                if born.strip():
                    person.birth_date = datetime.datetime.strptime(born.strip(), "%d.%m.%Y").date()
                persons.append(person)
            elif line.strip():
                body.append(line)
        marked = "\n".join(body)
        text, spans, at = [], [], 0
        for match in re.finditer(r"\{(\w+):([^}]*)\}", marked):
            text.append(marked[at:match.start()])
            start = sum(len(t) for t in text)
            text.append(match.group(2))
            spans.append((start, start + len(match.group(2)), match.group(1)))
            at = match.end()
        text.append(marked[at:])
        out.append(Narrative("".join(text), spans, persons))
    return out
