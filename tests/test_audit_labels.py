"""The audit log reads in Russian: every action code the source writes has a description, objects have names."""

import re
from pathlib import Path

from django.urls import reverse

from audit import log
from audit.labels import describe_action, is_described

ROOT = Path(__file__).resolve().parent.parent
# log.record(actor, "code", …), log.record_read(…, "code"), log.record_export(…, "code"), transition(…, action=…)
CALLS = [
    re.compile(r"log\.record\(\s*[^,()]+(?:\([^)]*\))?,\s*f?\"([^\"]+)\"", re.S),
    re.compile(r"log\.record_(?:read|export)\([^\"]*?f?\"([^\"]+)\"\s*\)", re.S),
    re.compile(r"\btransition\([^()]*?action=f?\"([^\"]+)\"", re.S),
]


def written_codes():
    codes = set()
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if parts[0] in {".venv", ".venv-bench", "tests", "var", "node_modules"} or "migrations" in parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in CALLS:
            for code in pattern.findall(text):
                codes.add(code.split("{")[0])  # an f-string: its fixed beginning
    return codes


def test_every_action_code_written_has_a_description():
    codes = written_codes()
    assert len(codes) > 80  # the scan finds the codes (a broken pattern would pass on nothing)
    assert "case.report.sign" in codes and "document." in codes
    assert [c for c in sorted(codes) if not is_described(c)] == []


def test_an_unknown_code_is_shown_as_it_is_and_a_variable_end_by_its_prefix():
    assert describe_action("case.report.sign") == "подписал(а) информацию о результатах"
    assert describe_action("document.report.pdf") == "скачал(а) документ (report.pdf)"
    assert describe_action("something.new") == "something.new"


def test_the_audit_page_names_actions_and_objects_in_russian(client, cast, make_case):
    case = make_case()
    log.record(cast.coordinator, "case.close", case)
    log.record(cast.coordinator, "person.correct", case.referral.persons.first().person)
    client.force_login(cast.admin)
    page = client.get(reverse("audit")).content.decode()
    assert "Закрыл(а) случай" in page and f"Случай № {case.journal_number}" in page
    # A person is named by kind and number only: the administrator does not read families' names.
    person = case.referral.persons.first().person
    assert person.surname not in page and "Исправил(а) запись о человеке" in page
