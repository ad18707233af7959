"""Personal data is declared on each model (lib/personal.py); retention and the data-subject export follow the
declarations, so they reach every model — including the ones added after this test was written."""

import datetime

from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from cases import actions as case_actions
from cases.models import Case, CaseStatus, Participant
from lib import personal
from ops import retention
from ops.statistics import totals
from people.models import Person, PersonKey
from referrals.models import Referral, SentAnswer
from reports.monitoring import Scope, compute
from safety.models import SafetyNotice

from .conftest import blank_pdf
from .test_documents import pdf_text


def test_every_field_that_can_hold_personal_data_is_declared():
    """A new text, char, date, file or JSON field anywhere fails here until its model says what it is."""
    problems = [problem for model in apps.get_models() for problem in personal.problems(model)]
    assert not problems, "\n".join(problems)


def test_the_declaration_check_fails_on_what_it_must_catch():
    """The check above is not vacuous: each kind of mistake in a declaration is reported."""

    def probe(name, **declaration):
        attrs = {"__module__": __name__, "secret": models.TextField(), "born": models.DateField(),
                 "Meta": type("Meta", (), {"app_label": "core", "managed": False})}
        if declaration:
            attrs["personal_data"] = personal.PersonalData(**declaration)
        return type(name, (models.Model,), attrs)

    assert personal.problems(probe("Undeclared", keep=("born",))) == [
        "core.Undeclared.secret: neither personal nor kept"]
    assert "both personal and kept" in " ".join(personal.problems(
        probe("Twice", fields={"secret": personal.ERASE}, keep=("secret", "born"))))
    assert "YEAR on a field that is not a date" in " ".join(personal.problems(
        probe("WrongRule", fields={"secret": personal.YEAR, "born": personal.ERASE})))
    assert "no way to retention" in " ".join(personal.problems(
        probe("Unreached", fields={"secret": personal.ERASE}, keep=("born",))))
    assert personal.problems(probe("Fine", fields={"secret": personal.ERASE}, keep=("born",),
                                   expires="born")) == []


def _old(case, years=6):
    Case.objects.filter(pk=case.pk).update(closed_on=timezone.localdate() - datetime.timedelta(days=years * 366))


def _whole_case(cast, make_case):
    """A closed case holding personal data in every place the outside tests found retention missed."""
    case = make_case(upto=CaseStatus.CLOSED)
    # A person added on the case page (not named in the referral).
    extra = Person.objects.create(surname="Добавленная", name="Тётя", patronymic="Ивановна",
                                  birth_date=datetime.date(1980, 7, 15), phone="+7 900 111-22-33",
                                  address="ул. Тайная, 1")
    from people.registry import refresh_keys

    refresh_keys([extra])
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.FOLLOW_UP)
    case.refresh_from_db()
    Participant.objects.create(case=case, person=extra, role=Participant.Role.PARTY)
    attachment = case_actions.attach_file(case, actor=cast.facilitator, kind="consent",
                                          upload=SimpleUploadedFile("согласие Смирнова.pdf", blank_pdf("SCAN")))
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    item = case.agreement.items.get()
    item.followups.update(comment="CONFIDENTIAL-FOLLOWUP")
    if not item.followups.exists():
        from cases.models import FollowUp

        FollowUp.objects.create(item=item, checked_on=timezone.localdate(), result="done",
                                comment="CONFIDENTIAL-FOLLOWUP", recorded_by=cast.facilitator)
    SafetyNotice.objects.create(case=case, sender=cast.coordinator, content="CONFIDENTIAL-NOTICE")
    case.network.create(name="Бабушка Мария Петровна", relation="бабушка")
    return case, extra, attachment


def test_retention_reaches_everything_and_keeps_the_statistics(cast, make_case, settings):
    settings.OPENDOOR_RETENTION_YEARS = 5
    old, extra, attachment = _whole_case(cast, make_case)
    kept = make_case(upto=CaseStatus.CLOSED)
    _old(old)
    year = timezone.localdate().year
    scope = Scope(datetime.date(year - 10, 1, 1), datetime.date(year, 12, 31))
    before, report_before = totals(), compute(scope)
    assert attachment.path.exists()

    assert retention.run() == 1
    assert retention.run() == 0  # done once
    assert totals() == before
    assert compute(scope) == report_before

    # Nothing of the old case's texts survives anywhere in the database.
    secrets = ["CONFIDENTIAL-MEETING-NOTES", "CONFIDENTIAL-AGREEMENT-TEXT", "CONFIDENTIAL-FOLLOWUP",
               "CONFIDENTIAL-NOTICE", "CONFIDENTIAL-SCREENING-SOURCE", "Добавленная", "Тайная", "111-22-33",
               "Бабушка Мария", "согласие Смирнова", "Семейный совет", "ремнём"]
    scanned = 0
    for model, found in personal.owned_by(personal.REFERRAL):
        rows = personal.rows_of(model, found, [old.referral_id])
        scanned += rows.count()
        for row in rows.values(*[f.name for f in personal.declared_kinds(model)]):
            text = str(row)
            assert not [s for s in secrets if s in text], (model._meta.label, text)
    assert scanned >= 10  # the referral, case, screening, meeting, agreement, item, follow-up, notice, scan, network
    assert AuditEvent not in [m for m, _f in personal.owned_by(personal.REFERRAL)]
    assert not attachment.path.exists()
    extra.refresh_from_db()
    assert (extra.surname, extra.name, extra.phone, extra.address) == ("обезличено", "", "", "")
    assert extra.birth_date == datetime.date(1980, 1, 1)
    assert not PersonKey.objects.filter(person=extra).exclude(key="").exists()
    assert Referral.objects.get(pk=old.referral_id).depersonalised_at is not None
    # The answer the agency received (its documents name the family) is cleared with the referral.
    sent = SentAnswer.objects.get(referral_id=old.referral_id)
    assert (bytes(sent.pdf), bytes(sent.docx), sent.facts, sent.summary) == (b"", b"", {}, "обезличено")
    assert bytes(SentAnswer.objects.get(referral_id=kept.referral_id).pdf).startswith(b"%PDF")
    referrer = Client()
    referrer.force_login(cast.secretary)
    assert referrer.get(reverse("referral_report", args=[old.referral.code, "pdf"])).status_code == 404
    assert reverse("referral_report", args=[old.referral.code, "pdf"]) not in referrer.get(
        reverse("referral", args=[old.referral.code])).content.decode()  # no link to a document that is gone
    # The other family keeps everything.
    assert kept.referral.persons.get(role="child").person.surname == "Смирнов"
    assert kept.meetings.filter(notes="CONFIDENTIAL-MEETING-NOTES").exists()
    # The case page still opens, and the scan is gone, not a server error.
    client = Client()
    client.force_login(cast.coordinator)
    assert client.get(reverse("case", args=[old.code])).status_code == 200
    assert client.get(reverse("case_attachment", args=[old.code, attachment.code])).status_code == 404


def test_a_person_named_in_a_living_case_keeps_their_data(cast, make_case, settings):
    settings.OPENDOOR_RETENTION_YEARS = 5
    old = make_case(upto=CaseStatus.CLOSED)
    child = old.referral.persons.get(role="child").person
    living = make_case(upto=CaseStatus.SCREENING)
    living.referral.persons.create(person=child, role="child")
    _old(old)
    retention.run()
    child.refresh_from_db()
    assert child.surname == "Смирнов" and child.depersonalised_at is None


def test_referrals_that_never_became_cases_are_depersonalised_too(cast, make_referral, settings):
    settings.OPENDOOR_RETENTION_YEARS = 5
    draft = make_referral(submit=False, description="Черновик про семью Ивановых")
    fresh = make_referral(submit=False, description="Свежий черновик")
    Referral.objects.filter(pk=draft.pk).update(created_at=timezone.now() - datetime.timedelta(days=6 * 366))
    assert retention.run() == 1
    draft.refresh_from_db()
    fresh.refresh_from_db()
    assert draft.description == "обезличено" and fresh.description == "Свежий черновик"
    assert all(rp.person.surname == "обезличено" for rp in draft.persons.select_related("person"))


def test_expired_rows_are_cleared_with_what_they_own(cast, make_event, settings,
                                                    django_capture_on_commit_callbacks):
    from accounts.models import Notification
    from events import actions as event_actions

    from .conftest import participant

    settings.OPENDOOR_RETENTION_YEARS = 5
    event = make_event()
    registration = event_actions.register(event, fields=participant(1), consent=True, confirmed=True)
    for session in event.sessions.all():
        event_actions.mark_attendance(registration, session, actor=cast.organiser)
    with django_capture_on_commit_callbacks(execute=True):
        event_actions.issue_certificates(event, actor=cast.organiser)
    certificate = registration.certificate
    assert certificate.path.exists()
    note = Notification.objects.create(user=cast.coordinator, text="Смирнов Артём: новое направление", url="/x")
    long_ago = timezone.now() - datetime.timedelta(days=6 * 366)
    type(registration).objects.filter(pk=registration.pk).update(created_at=long_ago)
    Notification.objects.filter(pk=note.pk).update(created_at=long_ago)

    retention.run()
    registration.refresh_from_db()
    note.refresh_from_db()
    assert (registration.full_name, registration.email, registration.phone) == ("обезличено", "", "")
    assert not certificate.path.exists()
    assert note.text == ""
    assert type(registration).objects.count() == 1  # counted in the events' statistics still


def test_the_subject_export_lists_every_record_that_names_the_person(client, cast, make_case):
    case = make_case(upto=CaseStatus.FOLLOW_UP)
    child = case.referral.persons.get(role="child").person
    sections = {section["model"] for section in personal_sections(child)}
    # Derived: every model with a relation to a person (other than the registry's own bookkeeping) is there.
    linked = {m._meta.label_lower for m in apps.get_models()
              if any(f.is_relation and f.related_model is Person for f in m._meta.get_fields()
                     if not f.auto_created) and not personal.declaration(m).internal}
    assert linked <= sections | {"people.person"}
    client.force_login(cast.coordinator)
    text = pdf_text(client.get(reverse("person_export", args=[child.code])).content)
    assert "Все записи" in text
    assert "CONFIDENTIAL-MEETING-NOTES" not in text


def personal_sections(person):
    from people.subject import records_about

    return records_about(person)
