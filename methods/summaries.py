"""What a case looks like once depersonalised: its persons as roles, a draft summary for supervision and a draft
story for the library. Drafts are built in memory from the case; only the reviewed, depersonalised text is stored."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Participant
from referrals.models import ReferralPerson

from .redaction import KnownPerson, _years, depersonalise, leaks

# Role words are part of the Russian text the engine writes (like the name dictionary), not interface strings.
_ROLE_WORDS = {
    ("child", "m"): "сын", ("child", "f"): "дочь", ("child", ""): "ребёнок",
    ("parent", "m"): "отец", ("parent", "f"): "мать", ("parent", ""): "родитель",
    ("representative", "m"): "отец", ("representative", "f"): "мать", ("representative", ""): "законный представитель",
    ("relative", "m"): "родственник", ("relative", "f"): "родственница", ("relative", ""): "родственник",
    ("offender", "m"): "обидчик", ("offender", "f"): "обидчица", ("offender", ""): "обидчик",
    ("victim", "m"): "пострадавший", ("victim", "f"): "пострадавшая", ("victim", ""): "пострадавший",
    ("supporter", "m"): "человек поддержки", ("supporter", "f"): "человек поддержки",
    ("supporter", ""): "человек поддержки",
    ("party", "m"): "участник", ("party", "f"): "участница", ("party", ""): "участник",
    ("other", "m"): "участник", ("other", "f"): "участница", ("other", ""): "участник",
}
_ORDINALS = {"сын": ("старший сын", "младший сын", "средний сын"), "дочь": ("старшая дочь", "младшая дочь",
                                                                           "средняя дочь")}


def known_persons(case, today=None):
    """Every person of the case with the role that replaces them: «мать», «сын, 12 лет», «старшая дочь, 15 лет»."""
    today = today or timezone.localdate()
    roles = {}
    for rp in ReferralPerson.objects.filter(referral_id=case.referral_id).select_related("person"):
        roles.setdefault(rp.person_id, (rp.person, rp.role))
    for participant in Participant.objects.filter(case=case).select_related("person"):
        if participant.person_id not in roles or roles[participant.person_id][1] in ("other",):
            roles[participant.person_id] = (participant.person, participant.role)
    people = []
    for person, role in roles.values():
        if person.depersonalised_at:
            continue
        sex = person.sex or ""
        word = _ROLE_WORDS.get((role, sex)) or _ROLE_WORDS[("other", sex)]
        people.append([person, word])
    # Two sons or two daughters: the elder and the younger.
    for word, (elder, younger, middle) in _ORDINALS.items():
        same = sorted((p for p in people if p[1] == word and p[0].birth_date), key=lambda p: p[0].birth_date)
        if len(same) > 1:
            for i, item in enumerate(same):
                item[1] = elder if i == 0 else younger if i == len(same) - 1 else middle
    out = []
    for person, word in people:
        age = person.age_on(today)
        label = f"{word}, {_years(age)}" if age is not None and age < 18 else word
        out.append(KnownPerson(label=label, surname=person.surname, name=person.name, patronymic=person.patronymic,
                               birth_date=person.birth_date, phone=person.phone, address=person.address,
                               sex=person.sex))
    return out


def _lines(*pairs):
    return "\n".join(f"{title}: {text.strip()}" for title, text in pairs if text and text.strip())


def case_source(case):
    """The case told in plain text, still with names: the raw input of depersonalisation (never stored)."""
    referral = case.referral
    program = getattr(case, "program", None)
    parts = [_lines(
        (_("Situation"), referral.get_situation_display()),
        (_("Program"), program.get_kind_display() if program else ""),
        (_("Description from the referral"), referral.description),
        (_("Concerns of the referring agency"), referral.concerns),
        (_("How the child's voice is heard"), case.child_voice),
    )]
    meetings = case.meetings.order_by("date", "id")
    notes = [f"— {m.get_kind_display()}, {m.date:%d.%m.%Y}: {m.notes.strip()}" for m in meetings if m.notes.strip()]
    if notes:
        parts.append(_("Meetings") + ":\n" + "\n".join(notes))
    agreement = getattr(case, "agreement", None)
    if agreement and agreement.text.strip():
        parts.append(_lines((_("Agreement"), agreement.text)))
    report = getattr(case, "report", None)
    if report and report.summary.strip():
        parts.append(_lines((_("Outcome"), f"{report.get_outcome_display()}. {report.summary}")))
    return "\n\n".join(p for p in parts if p)


def draft(case, text=None):
    """The depersonalised draft of a case text (by default the whole case) and its replacements for review."""
    source = case_source(case) if text is None else text
    return depersonalise(source, known_persons(case))


def remaining(case, text):
    """What of the case's persons a reviewed text still holds (names, phones, addresses, dates of birth)."""
    return leaks(text, known_persons(case))


LEAK_LABELS = {
    "name": gettext_lazy("a name of a person of the case"), "phone": gettext_lazy("a phone number"),
    "address": gettext_lazy("an address"), "birth": gettext_lazy("a date of birth"),
    "email": gettext_lazy("an e-mail address"), "link": gettext_lazy("a link or a messenger name"),
    "document": gettext_lazy("a document number"), "age": gettext_lazy("an age to the month"),
}
