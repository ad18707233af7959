"""Every URL for every member of the cast: 200 where allowed, 403 when read-only, 404 without relation.

Each request is made after the data that could leak exists (a referral, a case with confidential notes)."""

import pytest
from django.urls import get_resolver, reverse

from audit.models import AuditEvent
from cases.models import CaseStatus

from .conftest import CAST_ROLES, blank_pdf, participant

ALL = set(CAST_ROLES)
REFERRERS = {"secretary", "guardian", "outsider", "teacher"}
SERVICE_CASE = {"coordinator", "facilitator"}
SERVICE_STAFF = {"coordinator", "facilitator", "facilitator2"}
# The second service of the network: its own lists open, nothing of the first service's families.
SERVICE_B = {"coordinator_b", "facilitator_b"}
COORDINATORS = {"coordinator", "coordinator_b"}
# Published stories are shared across the network's services.
LIBRARY_READERS = SERVICE_STAFF | SERVICE_B | {"methodologist"}


def expect(ok=(), forbidden=(), default=404, ok_code=200, missing=()):
    table = {role: default for role in CAST_ROLES}
    table.update({role: ok_code for role in ok})
    table.update({role: 403 for role in forbidden})
    table.update({role: 404 for role in missing})
    return table


# name: (method, url builder, expected status per role). POST rows list refused roles only; the permitted
# roles' POSTs change state and are tested in test_views.py.
TABLE = {
    "home": ("get", lambda w: reverse("home"), expect(ok=ALL)),
    "healthz": ("get", lambda w: reverse("healthz"), expect(ok=ALL)),
    "login": ("get", lambda w: reverse("login"), expect(ok=ALL, ok_code=302)),
    "logout": ("get", lambda w: reverse("logout"), expect(ok=ALL, ok_code=405)),
    "audit": ("get", lambda w: reverse("audit"), expect(ok={"admin"}, default=403)),
    "audit_export": ("get", lambda w: reverse("audit_export"), expect(ok={"admin"}, default=403)),
    "referrals": ("get", lambda w: reverse("referrals"),
                  expect(ok=REFERRERS | COORDINATORS, default=403)),
    "referral_new": ("get", lambda w: reverse("referral_new"), expect(ok=REFERRERS, default=403)),
    "referral": ("get", lambda w: reverse("referral", args=[w.referral.code]),
                 expect(ok={"secretary", "coordinator"})),
    # Only the draft's author corrects or deletes it (the world's draft is the secretary's).
    "referral_edit": ("get", lambda w: reverse("referral_edit", args=[w.draft.code]), expect(ok={"secretary"})),
    "referral_delete": ("post", lambda w: reverse("referral_delete", args=[w.draft.code]),
                        expect(ok={"secretary"}, ok_code=None)),
    "referral_submit": ("post", lambda w: reverse("referral_submit", args=[w.draft.code]),
                        expect(ok={"secretary"}, ok_code=None)),
    "referral_withdraw": ("post", lambda w: reverse("referral_withdraw", args=[w.referral.code]),
                          expect(ok={"secretary"}, forbidden={"coordinator"}, ok_code=None)),
    "referral_accept": ("post", lambda w: reverse("referral_accept", args=[w.referral.code]),
                        expect(ok={"coordinator"}, forbidden={"secretary"}, ok_code=None)),
    "referral_decline": ("post", lambda w: reverse("referral_decline", args=[w.referral.code]),
                         expect(ok={"coordinator"}, forbidden={"secretary"}, ok_code=None)),
    "cases": ("get", lambda w: reverse("cases"),
              expect(ok=SERVICE_STAFF | SERVICE_B, default=403)),
    "case": ("get", lambda w: reverse("case", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    "case_assign": ("get", lambda w: reverse("case_assign", args=[w.case.code]),
                    expect(ok={"coordinator"}, forbidden={"facilitator"})),
    "case_screening": ("get", lambda w: reverse("case_screening", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    "case_program": ("post", lambda w: reverse("case_program", args=[w.case.code]),
                     expect(ok=SERVICE_CASE, ok_code=None)),
    "case_participant": ("post", lambda w: reverse("case_participant", args=[w.case.code]),
                         expect(ok=SERVICE_CASE, ok_code=None)),
    "case_consent": ("post", lambda w: reverse("case_consent", args=[w.case.code]),
                     expect(ok=SERVICE_CASE, ok_code=None)),
    "case_consent_withdraw": ("post", lambda w: reverse("case_consent_withdraw", args=[w.case.code, w.consent.pk]),
                              expect(ok=SERVICE_CASE, ok_code=None)),
    "case_meeting": ("get", lambda w: reverse("case_meeting", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    "case_not_held": ("post", lambda w: reverse("case_not_held", args=[w.case.code]),
                      expect(ok=SERVICE_CASE, ok_code=None)),
    "case_agreement": ("get", lambda w: reverse("case_agreement", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    "case_followup": ("get", lambda w: reverse("case_followup", args=[w.case.code, w.item.pk]),
                      expect(ok=SERVICE_CASE)),
    "case_report": ("get", lambda w: reverse("case_report", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    "case_sign": ("post", lambda w: reverse("case_sign", args=[w.case.code]),
                  expect(ok={"coordinator"}, forbidden={"facilitator"}, ok_code=None)),
    "referral_plan": ("post", lambda w: reverse("referral_plan", args=[w.case.referral.code]),
                      expect(ok={"secretary"}, forbidden={"coordinator"}, ok_code=None)),
    "notifications": ("get", lambda w: reverse("notifications"), expect(ok=ALL)),
    "safety_notices": ("get", lambda w: reverse("safety_notices"),
                       expect(ok=REFERRERS | SERVICE_STAFF | SERVICE_B, default=403)),
    # The notice went to the guardianship body and the commission of the case's territory.
    "safety_notice": ("get", lambda w: reverse("safety_notice", args=[w.notice.code]),
                      expect(ok={"secretary", "guardian", "coordinator", "facilitator"})),
    "case_notice_new": ("get", lambda w: reverse("case_notice_new", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    # Only a facilitator of the case declares their own conflict; the coordinator sees it on the case page.
    "case_conflict": ("get", lambda w: reverse("case_conflict", args=[w.case.code]),
                      expect(ok={"facilitator"}, forbidden={"coordinator"})),
    "case_review": ("get", lambda w: reverse("case_review", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    "case_network": ("post", lambda w: reverse("case_network", args=[w.case.code]),
                     expect(ok=SERVICE_CASE, ok_code=None)),
    "case_child_voice": ("post", lambda w: reverse("case_child_voice", args=[w.case.code]),
                         expect(ok=SERVICE_CASE, ok_code=None)),
    "case_resume": ("post", lambda w: reverse("case_resume", args=[w.held.code]),
                    expect(ok={"coordinator"}, forbidden={"facilitator"}, ok_code=None)),
    "case_terminate": ("post", lambda w: reverse("case_terminate", args=[w.held.code]),
                       expect(ok={"coordinator"}, forbidden={"facilitator"}, ok_code=None)),
    "case_journal_xlsx": ("get", lambda w: reverse("case_journal_xlsx"),
                          expect(ok=SERVICE_STAFF | SERVICE_B, default=403)),
    "case_document": ("get", lambda w: reverse("case_document", args=[w.case.code, "card.pdf"]),
                      expect(ok=SERVICE_CASE)),
    "referral_report": ("get", lambda w: reverse("referral_report", args=[w.reported.referral.code, "pdf"]),
                        expect(ok={"secretary", "coordinator"})),
    "two_factor": ("get", lambda w: reverse("two_factor"), expect(ok=ALL)),
    # A forged enrolment or unlock link leads back to the second-factor page or the login page, for everyone.
    "two_factor_enrol": ("get", lambda w: reverse("two_factor_enrol", args=["forged"]), expect(ok=ALL, ok_code=302)),
    "login_unlock": ("get", lambda w: reverse("login_unlock", args=["forged"]), expect(ok=ALL, ok_code=302)),
    "account": ("get", lambda w: reverse("account"), expect(ok=ALL)),
    "password_change": ("get", lambda w: reverse("password_change"), expect(ok=ALL)),
    "password_change_done": ("get", lambda w: reverse("password_change_done"), expect(ok=ALL)),
    "logout_everywhere": ("post", lambda w: reverse("logout_everywhere"), expect(ok=ALL, ok_code=None)),
    "users": ("get", lambda w: reverse("users"), expect(ok={"admin"}, default=403)),
    # Choosing which of one's own organisations one acts for: any member, for their own memberships only.
    "act_for": ("post", lambda w: reverse("act_for"), expect(ok=ALL, ok_code=None)),
    # Ending a session: one's own only; a session that is not one's own is «not found».
    "session_end": ("post", lambda w: reverse("session_end", args=[999_999]), expect(default=404)),
    "user_invite": ("get", lambda w: reverse("user_invite"), expect(ok={"admin"}, default=403)),
    "user_invite_import": ("get", lambda w: reverse("user_invite_import"), expect(ok={"admin"}, default=403)),
    "user_detail": ("get", lambda w: reverse("user_detail", args=[w.case.facilitators.first().pk]),
                    expect(ok={"admin"}, default=403)),
    "directory": ("get", lambda w: reverse("directory"), expect(ok={"admin"}, default=403)),
    "region_settings": ("get", lambda w: reverse("region_settings"), expect(ok={"admin"}, default=403)),
    # Each coordinator (and the administrator) edits their own service's settings.
    "service_settings": ("get", lambda w: reverse("service_settings"),
                         expect(ok=COORDINATORS | {"admin"}, default=403)),
    "letter_template": ("get", lambda w: reverse("letter_template"),
                        expect(ok=COORDINATORS | {"admin"}, default=403)),
    "agency_new": ("get", lambda w: reverse("agency_new"), expect(ok={"admin"}, default=403)),
    "agency_edit": ("get", lambda w: reverse("agency_edit", args=[w.case.service_id]),
                    expect(ok={"admin"}, default=403)),
    "territory_new": ("get", lambda w: reverse("territory_new"), expect(ok={"admin"}, default=403)),
    "territory_edit": ("get", lambda w: reverse("territory_edit", args=[w.case.referral.agency.territory_id]),
                       expect(ok={"admin"}, default=403)),
    "directory_import": ("get", lambda w: reverse("directory_import"), expect(ok={"admin"}, default=403)),
    "directory_sample": ("get", lambda w: reverse("directory_sample"), expect(ok={"admin"}, default=403)),
    # Open to anyone: asking for a reset link tells nothing, and a wrong link shows «the link does not work».
    "password_reset": ("get", lambda w: reverse("password_reset"), expect(ok=ALL)),
    "password_reset_done": ("get", lambda w: reverse("password_reset_done"), expect(ok=ALL)),
    "set_password": ("get", lambda w: reverse("set_password", args=["MQ", "wrong-token"]), expect(ok=ALL)),
    "user_enrolment_link": ("post", lambda w: reverse("user_enrolment_link", args=[w.case.facilitators.first().pk]),
                            expect(ok={"admin"}, default=403, ok_code=None)),
    "user_unlock": ("post", lambda w: reverse("user_unlock", args=[w.case.facilitators.first().pk]),
                    expect(ok={"admin"}, default=403, ok_code=None)),
    "person": ("get", lambda w: reverse("person", args=[w.case.referral.persons.first().person.code]),
               expect(ok={"coordinator"})),
    "person_export": ("get", lambda w: reverse("person_export", args=[w.case.referral.persons.first().person.code]),
                      expect(ok={"coordinator"})),
    "registry": ("get", lambda w: reverse("registry"), expect(ok=COORDINATORS, default=403)),
    "person_match": ("post", lambda w: reverse("person_match"),
                     expect(ok=REFERRERS | COORDINATORS, default=403, ok_code=None)),
    "duplicates": ("get", lambda w: reverse("duplicates"), expect(ok=COORDINATORS, default=403)),
    "duplicate_decide": ("post", lambda w: reverse("duplicate_decide", args=[w.candidate.pk]),
                         expect(ok={"coordinator"}, default=403, ok_code=None, missing={"coordinator_b"})),
    # Asking another service concerns a pair with one record on each side; the world's pair is within one.
    "duplicate_ask": ("post", lambda w: reverse("duplicate_ask", args=[w.candidate.pk]),
                      expect(default=403, ok_code=None, missing=COORDINATORS)),
    "merge_undo": ("post", lambda w: reverse("merge_undo", args=[w.merge.pk]),
                   expect(ok={"coordinator"}, default=403, ok_code=None, missing={"coordinator_b"})),
    "person_link": ("post", lambda w: reverse("person_link", args=[w.case.referral.persons.first().person.code]),
                    expect(ok={"coordinator"}, ok_code=None)),
    "api_referrals": ("get", lambda w: reverse("api_referrals"), expect(ok=REFERRERS | COORDINATORS, default=403)),
    "api_referral": ("get", lambda w: reverse("api_referral", args=[w.referral.code]),
                     expect(ok={"secretary", "coordinator"})),
    "api_territories": ("get", lambda w: reverse("api_territories"), expect(ok=ALL)),
    "api_agencies": ("get", lambda w: reverse("api_agencies"), expect(ok=ALL)),
    "api_dictionaries": ("get", lambda w: reverse("api_dictionaries"), expect(ok=ALL)),
    "api_schema": ("get", lambda w: reverse("api_schema"), expect(ok=ALL)),
    "api_docs": ("get", lambda w: reverse("api_docs"), expect(ok=ALL)),
    "api_tokens": ("get", lambda w: reverse("api_tokens"), expect(ok={"admin"}, default=403)),
    "api_token_revoke": ("post", lambda w: reverse("api_token_revoke", args=[w.api_token.pk]),
                         expect(ok={"admin"}, default=403, ok_code=None)),
    "api_token_deliveries": ("get", lambda w: reverse("api_token_deliveries", args=[w.api_token.pk]),
                             expect(ok={"admin"}, default=403)),
    "journal_import": ("get", lambda w: reverse("journal_import"), expect(ok=COORDINATORS, default=403)),
    "journal_import_template": ("get", lambda w: reverse("journal_import_template"),
                                expect(ok=COORDINATORS, default=403)),
    "case_attach": ("post", lambda w: reverse("case_attach", args=[w.case.code]),
                    expect(ok=SERVICE_CASE, ok_code=None)),
    "case_attachment": ("get", lambda w: reverse("case_attachment", args=[w.case.code, w.attachment.code]),
                        expect(ok=SERVICE_CASE)),
    "monitoring": ("get", lambda w: reverse("monitoring"), expect(ok=COORDINATORS | {"analyst"}, default=403)),
    "monitoring_export": ("get", lambda w: reverse("monitoring_export", args=["json"]),
                          expect(ok=COORDINATORS | {"analyst"}, default=403)),
    "indicators": ("get", lambda w: reverse("indicators"), expect(ok=COORDINATORS | {"analyst"}, default=403)),
    # Public pages: anyone may open them, with or without an account.
    "events": ("get", lambda w: reverse("events"), expect(ok=ALL)),
    "event": ("get", lambda w: reverse("event", args=[w.event.code]), expect(ok=ALL)),
    "registration": ("get", lambda w: reverse("registration", args=[w.registration.code]), expect(ok=ALL)),
    "verify": ("get", lambda w: reverse("verify", args=[w.certificate.number]), expect(ok=ALL)),
    "verify_form": ("get", lambda w: reverse("verify_form"), expect(ok=ALL)),
    "verify_code": ("get", lambda w: reverse("verify_code", args=[w.certificate.number, w.certificate.check_code]),
                    expect(ok=ALL)),
    # Organiser pages.
    "events_manage": ("get", lambda w: reverse("events_manage"), expect(ok={"organiser"}, default=403)),
    "event_manage": ("get", lambda w: reverse("event_manage", args=[w.event.code]),
                     expect(ok={"organiser"}, default=403)),
    "event_checkin": ("get", lambda w: reverse("event_checkin", args=[w.registration.code]),
                      expect(ok={"organiser"}, default=403)),
    "registration_decide": ("post", lambda w: reverse("registration_decide", args=[w.event.code,
                                                                                    w.registration.code]),
                            expect(ok={"organiser"}, default=403, ok_code=None)),
    "session_attendance": ("get", lambda w: reverse("session_attendance", args=[w.event.code,
                                                                                  w.event.sessions.first().pk]),
                           expect(ok={"organiser"}, default=403)),
    "certificates_issue": ("post", lambda w: reverse("certificates_issue", args=[w.event.code]),
                           expect(ok={"organiser"}, default=403, ok_code=None)),
    "certificates_zip": ("get", lambda w: reverse("certificates_zip", args=[w.event.code]),
                         expect(ok={"organiser"}, default=403)),
    "certificates_email": ("post", lambda w: reverse("certificates_email", args=[w.event.code]),
                           expect(ok={"organiser"}, default=403, ok_code=None)),
    "certificate_pdf": ("get", lambda w: reverse("certificate_pdf", args=[w.event.code, w.certificate.number]),
                        expect(ok={"organiser"}, default=403)),
    "certificate_revoke": ("post", lambda w: reverse("certificate_revoke", args=[w.event.code,
                                                                                  w.certificate.number]),
                           expect(ok={"organiser"}, default=403, ok_code=None)),
    "event_export": ("get", lambda w: reverse("event_export", args=[w.event.code, "participants"]),
                     expect(ok={"organiser"}, default=403)),
    "participants_import": ("post", lambda w: reverse("participants_import", args=[w.event.code]),
                            expect(ok={"organiser"}, default=403, ok_code=None)),
    "case_close": ("post", lambda w: reverse("case_close", args=[w.case.code]),
                   expect(ok={"coordinator"}, forbidden={"facilitator"}, ok_code=None)),
    # Methodological support: the methodologist reads depersonalised requests, never the case behind them.
    "supervision_list": ("get", lambda w: reverse("supervision_list"),
                         expect(ok=SERVICE_STAFF | SERVICE_B | {"methodologist"}, default=403)),
    "session_new": ("get", lambda w: reverse("session_new"), expect(ok={"methodologist"}, default=403)),
    "supervision": ("get", lambda w: reverse("supervision", args=[w.supervision.code]),
                    expect(ok=SERVICE_CASE | {"methodologist"})),
    "supervision_edit": ("get", lambda w: reverse("supervision_edit", args=[w.supervision.code]),
                         expect(forbidden=SERVICE_CASE | {"methodologist"})),  # sent: no longer editable
    "supervision_new": ("get", lambda w: reverse("supervision_new", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    "library_propose": ("get", lambda w: reverse("library_propose", args=[w.case.code]), expect(ok=SERVICE_CASE)),
    "library": ("get", lambda w: reverse("library"), expect(ok=LIBRARY_READERS, default=403)),
    "library_case": ("get", lambda w: reverse("library_case", args=[w.story.code]), expect(ok=LIBRARY_READERS)),
    "library_pdf": ("get", lambda w: reverse("library_pdf", args=[w.story.code]), expect(ok=LIBRARY_READERS)),
    "facilitators": ("get", lambda w: reverse("facilitators"),
                     expect(ok=COORDINATORS | {"methodologist"}, default=403)),
    "facilitator": ("get", lambda w: reverse("facilitator", args=[w.facilitator_pk]),
                    expect(ok={"coordinator", "methodologist", "facilitator"})),
    "network": ("get", lambda w: reverse("network"), expect(ok={"methodologist", "analyst"}, default=403)),
    "knowledge": ("get", lambda w: reverse("knowledge"), expect(ok=ALL)),
    "knowledge_new": ("get", lambda w: reverse("knowledge_new"), expect(ok={"methodologist"}, default=403)),
    "knowledge_doc": ("get", lambda w: reverse("knowledge_doc", args=[w.document.code]), expect(ok=ALL)),
    "knowledge_edit": ("get", lambda w: reverse("knowledge_edit", args=[w.document.code]),
                       expect(ok={"methodologist"}, default=403)),
    "knowledge_file": ("get", lambda w: reverse("knowledge_file", args=[w.document.code, 1]), expect(ok=ALL)),
}


@pytest.fixture
def world(cast, make_case, make_referral, make_event, settings, tmp_path):
    settings.OPENDOOR_FILES_DIR = str(tmp_path / "files")
    from types import SimpleNamespace

    from safety.actions import default_recipients, open_notice

    case = make_case(upto=CaseStatus.FOLLOW_UP)
    held = make_case(upto=CaseStatus.PREPARATION)
    notice = open_notice(held, actor=cast.facilitator, recipients=default_recipients(held),
                         content="Ребёнок рассказал о побоях.")
    from events import actions as event_actions

    event = make_event()
    registration = event_actions.register(event, fields=participant(1), consent=True, confirmed=True)
    for session in event.sessions.all():
        event_actions.mark_attendance(registration, session, actor=cast.organiser)
    event_actions.issue_certificates(event, actor=cast.organiser)
    registration.refresh_from_db()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.actions import attach_file
    from events.models import Certificate

    # Access is under test here, not rendering: a stand-in file where the batch would write the PDF.
    registration.certificate.path.parent.mkdir(parents=True, exist_ok=True)
    registration.certificate.path.write_bytes(b"%PDF-1.4\n%%EOF")
    Certificate.objects.filter(pk=registration.certificate.pk).update(pdf_ready=True)
    attachment = attach_file(case, actor=cast.facilitator, upload=SimpleUploadedFile("скан.pdf", blank_pdf()),
                             kind="consent")
    from people import actions as person_actions
    from people.models import DuplicateCandidate

    child, held_child = (c.referral.persons.first().person for c in (case, held))
    candidate = DuplicateCandidate.objects.create(first=child, second=held_child, score=0.99, reasons=[])
    merge = person_actions.merge_persons(held_child, make_referral().persons.first().person, actor=cast.coordinator)
    from api import tokens

    api_token, _key = tokens.issue(agency=cast.commission, name="АИС КДН", scopes=["referrals:read"],
                                   actor=cast.admin)
    from methods import actions as methods_actions
    from methods.models import KnowledgeCategory

    supervision = methods_actions.save_request(case, actor=cast.facilitator, question="Как быть?",
                                               summary="Мать и сын (10 лет) в ссоре.", send=True)
    story = methods_actions.propose_story(case, actor=cast.facilitator, title="Ссора матери и сына",
                                          story="Мать и сын (10 лет) договорились.", lessons="", outcome="",
                                          consent=True)
    methods_actions.approve_story(story, actor=cast.coordinator)
    methods_actions.publish_story(story, actor=cast.methodologist)
    document = methods_actions.save_document(
        actor=cast.methodologist, category=KnowledgeCategory.objects.create(name="Формы"), title="Форма согласия",
        body="Текст формы.", note="", upload=SimpleUploadedFile("форма.txt", "Текст формы".encode()))
    return SimpleNamespace(
        supervision=supervision,
        story=story,
        document=document,
        facilitator_pk=cast.facilitator.pk,
        api_token=api_token,
        candidate=candidate,
        merge=merge,
        attachment=attachment,
        event=event,
        registration=registration,
        certificate=registration.certificate,
        reported=make_case(upto=CaseStatus.REPORTED),
        held=held,
        notice=notice,
        case=case,
        referral=make_referral(),
        draft=make_referral(submit=False),
        consent=case.participants.first().consents.first(),
        item=case.agreement.items.first(),
    )


def url_names(urlconf=None):
    return {name for name in get_resolver(urlconf).reverse_dict if isinstance(name, str)}


def test_the_table_lists_every_url():
    """Adding a page without deciding who may see it breaks the build here."""
    assert url_names() - set(TABLE) == set()
    assert set(TABLE) - url_names() == set()


def test_the_coverage_check_catches_an_unlisted_url():
    assert url_names("tests.urls_with_extra") - set(TABLE) == {"forgotten_page"}


@pytest.mark.parametrize("name", sorted(TABLE))
def test_access(client, cast, world, name):
    """Each URL asked by all ten roles on one world (refused requests change nothing, so they can share it)."""
    method, build, expected = TABLE[name]
    wrong = []
    for role in CAST_ROLES:
        code = expected[role]
        if code is None:
            continue  # a permitted POST: covered with its effect in test_views.py
        client.force_login(getattr(cast, role))
        before = AuditEvent.objects.filter(kind=AuditEvent.Kind.WRITE).count()
        response = getattr(client, method)(build(world))
        if response.status_code != code:
            wrong.append((role, response.status_code, code))
            continue
        if method == "post":
            assert AuditEvent.objects.filter(kind=AuditEvent.Kind.WRITE).count() == before, (name, role)
        if code in (403, 404):
            body = response.content.decode()
            for secret in ("Смирнов", "CONFIDENTIAL", world.case.code if name.startswith("case") else "§"):
                assert secret not in body, (name, role, secret)
    assert not wrong, f"{name}: (role, got, expected) {wrong}"


PUBLIC = {"home", "healthz", "login", "logout", "events", "event", "registration", "verify", "verify_form",
          "verify_code", "password_reset", "password_reset_done", "set_password",
          "api_schema", "api_docs"}  # the API's description is public; its data is not


def test_public_pages_open_without_an_account(client, world):
    for name in sorted(PUBLIC - {"home", "logout"}):
        method, build, _expected = TABLE[name]
        assert getattr(client, method)(build(world)).status_code == 200, name


API = {name for name in TABLE if name.startswith("api_") and not name.startswith("api_token")} - PUBLIC


def test_anonymous_is_sent_to_login(client, world):
    for name in sorted(set(TABLE) - PUBLIC - API):
        method, build, _expected = TABLE[name]
        response = getattr(client, method)(build(world))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_anonymous_api_calls_get_a_json_401(client, world):
    for name in sorted(API):
        method, build, _expected = TABLE[name]
        response = getattr(client, method)(build(world))
        assert response.status_code == 401, name
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Bearer"


def test_home_requires_login(client, db):
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("name", ["referral_submit", "referral_withdraw", "referral_accept", "referral_decline",
                                  "case_program", "case_sign", "case_close"])
def test_post_only_urls_refuse_get(client, cast, world, name):
    client.force_login(cast.coordinator if "case" in name else cast.secretary)
    assert client.get(TABLE[name][1](world)).status_code == 405
