"""Screening that decides safely: the answers drive the outcome (one test per red flag)."""

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from cases import actions
from cases.models import CaseStatus, Screening
from lib.errors import ActionError

SAFE = {"violence": "no", "sexual_abuse": "no", "acknowledgement": "yes", "coercion": "no", "intoxication": "no",
        "consent": "yes", "child_safe": "yes", "criminal": "no", "cofacilitator": "no"}
RED = [(key, answer) for key, answers in Screening.RED.items() for answer in sorted(answers)]
AMBER = [(key, answer) for key, answers in Screening.AMBER.items() for answer in sorted(answers)]


def _answers(**changes):
    return {k: {"answer": changes.get(k, v), "source": "беседа"} for k, v in SAFE.items()}


@pytest.fixture
def screening_case(cast, make_case):
    return make_case(upto=CaseStatus.SCREENING)


def _screen(case, actor, answers, outcome, **extra):
    return actions.record_screening(case, actor=actor, done_on=timezone.localdate(), answers=answers,
                                    outcome=outcome, **extra)


def test_the_safe_answers_allow_suitable(cast, screening_case):
    _screen(screening_case, cast.facilitator, _answers(), Screening.Outcome.SUITABLE)
    screening_case.refresh_from_db()
    assert screening_case.status == CaseStatus.PREPARATION


@pytest.mark.parametrize(("key", "answer"), RED)
def test_each_red_flag_refuses_a_joint_program(cast, screening_case, key, answer):
    for outcome in (Screening.Outcome.SUITABLE, Screening.Outcome.SAFEGUARDS):
        with pytest.raises(ActionError, match="не безопасна"):
            _screen(screening_case, cast.facilitator, _answers(**{key: answer}), outcome, safeguards="ко-ведущий")
    # A facilitator cannot override; «not suitable now» is accepted.
    with pytest.raises(ActionError, match="Только куратор"):
        _screen(screening_case, cast.facilitator, _answers(**{key: answer}), Screening.Outcome.SUITABLE,
                override_reason="я уверен")
    _screen(screening_case, cast.facilitator, _answers(**{key: answer}), Screening.Outcome.NOT_NOW,
            recheck_on=timezone.localdate())
    screening_case.refresh_from_db()
    assert screening_case.status == CaseStatus.SCREENING


def test_the_coordinator_may_override_with_reasons_and_it_is_shown_and_audited(client, cast, screening_case):
    from django.urls import reverse

    _screen(screening_case, cast.coordinator, _answers(violence="unknown"), Screening.Outcome.SAFEGUARDS,
            safeguards="встречи раздельно", override_reason="Опека подтвердила: отец выехал, угрозы нет.")
    screening = screening_case.screenings.get()
    assert screening.override_by == cast.coordinator
    assert "override" in AuditEvent.objects.filter(action="case.screening").latest("at").fields
    client.force_login(cast.facilitator)
    page = client.get(reverse("case", args=[screening_case.code])).content.decode()
    assert "Опека подтвердила" in page


@pytest.mark.parametrize(("key", "answer"), AMBER)
def test_each_amber_flag_needs_safeguards(cast, screening_case, key, answer):
    with pytest.raises(ActionError, match="меры безопасности|мер безопасности|с мерами"):
        _screen(screening_case, cast.facilitator, _answers(**{key: answer}), Screening.Outcome.SUITABLE)
    _screen(screening_case, cast.facilitator, _answers(**{key: answer}), Screening.Outcome.SAFEGUARDS,
            safeguards="второй ведущий")


def test_the_form_refuses_suitable_with_ongoing_violence_and_keeps_the_answers(client, cast, screening_case):
    from django.urls import reverse

    client.force_login(cast.facilitator)
    data = {"done_on": timezone.localdate().isoformat(), "outcome": "suitable"}
    for key, value in _answers(violence="yes").items():
        data[f"{key}_answer"] = value["answer"]
        data[f"{key}_source"] = value["source"]
    page = client.post(reverse("case_screening", args=[screening_case.code]), data).content.decode()
    assert "не безопасна" in page and "продолжающееся насилие" in page
    assert not screening_case.screenings.exists()


def test_the_referrer_is_told_when_the_answer_is_signed(cast, make_case):
    from accounts.models import Notification

    case = make_case(upto=CaseStatus.FOLLOW_UP)
    fields = actions.report_defaults(case)
    fields["summary"] = "Итог."
    actions.draft_report(case, actor=cast.facilitator, fields=fields, expected_version=0)
    actions.sign_report(case, actor=cast.coordinator)
    note = Notification.objects.get(user=cast.secretary)
    assert "подписана" in note.text and case.referral.code in note.url
    assert "Смирнов" not in note.text
    assert not Notification.objects.filter(user=cast.guardian).exists()


def test_a_revoked_certificate_is_not_in_the_zip_and_downloads_stamped(client, cast, make_event,
                                                                       django_capture_on_commit_callbacks):
    import io
    import zipfile

    from django.urls import reverse

    from events import actions as event_actions

    from .conftest import participant
    from .test_documents import pdf_text

    event = make_event()
    people = [event_actions.register(event, fields=participant(n), consent=True, confirmed=True) for n in range(2)]
    for person in people:
        for session in event.sessions.all():
            event_actions.mark_attendance(person, session, actor=cast.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        event_actions.issue_certificates(event, actor=cast.organiser)
    revoked = people[0].certificate
    event_actions.revoke(revoked, actor=cast.organiser, reason="ошибка в списке")
    client.force_login(cast.organiser)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(reverse("certificates_zip", args=[event.code])))))
    assert archive.namelist() == [f"{people[1].certificate.number}.pdf"]
    text = pdf_text(client.get(reverse("certificate_pdf", args=[event.code, revoked.number])).content)
    assert "ОТОЗВАНО" in text and "Выдано" in text


def test_a_draft_is_edited_and_deleted_by_its_author_only(client, cast, make_referral):
    from django.urls import reverse

    from people.models import Person
    from referrals.models import Referral

    draft = make_referral(submit=False, description="Черновик")
    child = draft.persons.get(role="child").person
    colleague = cast.guardian  # another referrer: cannot even see it
    client.force_login(colleague)
    assert client.get(reverse("referral_edit", args=[draft.code])).status_code == 404
    client.force_login(cast.secretary)
    page = client.get(reverse("referral_edit", args=[draft.code])).content.decode()
    assert "Черновик" in page and child.surname in page
    data = {"situation": "family_conflict", "description": "Исправленный текст", "representative_consent": "on",
            "persons-TOTAL_FORMS": "2", "persons-INITIAL_FORMS": "0",
            "persons-0-role": "child", "persons-0-surname": "Кузнецов", "persons-0-name": "Пётр",
            "persons-1-role": "parent", "persons-1-surname": "Кузнецова", "persons-1-name": "Анна"}
    assert client.post(reverse("referral_edit", args=[draft.code]), data).status_code == 302
    draft.refresh_from_db()
    assert draft.description == "Исправленный текст" and draft.status == Referral.Status.DRAFT
    assert sorted(draft.persons.values_list("person__surname", flat=True)) == ["Кузнецов", "Кузнецова"]
    assert not Person.objects.filter(pk=child.pk).exists()  # the replaced person named nowhere else is gone
    client.post(reverse("referral_delete", args=[draft.code]))
    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert not Person.objects.filter(surname__in=["Кузнецов", "Кузнецова"]).exists()
    # A sent referral cannot be deleted: it is withdrawn instead.
    sent = make_referral()
    client.post(reverse("referral_delete", args=[sent.code]))
    assert Referral.objects.filter(pk=sent.pk).exists()


@pytest.mark.parametrize("login", ["analyst", "methodologist"])
def test_the_network_page_links_only_to_pages_its_reader_may_open(client, cast, login):
    import re

    from django.urls import reverse

    client.force_login(getattr(cast, login))
    page = client.get(reverse("network")).content.decode()
    main = page[page.index("<main"):]
    for href in set(re.findall(r'href="(/[^"#?]*)"', main)):
        assert client.get(href).status_code == 200, href
