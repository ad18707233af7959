"""The named cast every test uses, and helpers that build referrals and cases through the actions."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Agency, Membership, Role, Territory, User
from cases import actions as case_actions
from cases.models import CaseStatus, Consent, Meeting, Participant, Program, Screening
from referrals import actions as referral_actions
from referrals.models import ReferralPerson, Situation

S = CaseStatus
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Second-factor tests switch it on; the rest of the suite logs in with a password only.
    settings.OPENDOOR_REQUIRE_2FA = False
    settings.OPENDOOR_REPORT_CACHE_SECONDS = 0
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.OPENDOOR_AUDIT_ANCHOR_FILE = str(tmp_path / "audit-anchors.log")
    settings.OPENDOOR_FILES_DIR = str(tmp_path / "files")
    # Rate limits count in the cache: every test starts with none used.
    from django.core.cache import cache

    cache.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _user(login, surname, agency, role):
    user = User.objects.create_user(login, password="pass-" + login, last_name=surname, first_name="Тест",
                                    patronymic="Тестович")
    Membership.objects.create(user=user, agency=agency, role=role)
    if role == Role.FACILITATOR:
        qualify(user)
    return user


def qualify(user, hours=80):
    """A facilitator who may lead a program alone under the regional rule (OPENDOOR_SOLO_HOURS = 72)."""
    from methods.models import FacilitatorProfile, FacilitatorStatus, TrainingRecord

    FacilitatorProfile.objects.create(user=user, status=FacilitatorStatus.FACILITATOR)
    TrainingRecord.objects.create(user=user, course="Базовый курс ведущего", hours=hours, provider="Центр",
                                  completed_on=datetime.date(2025, 5, 20), recorded_by=user)


@pytest.fixture
def cast(db):
    """One person per role. What each may do:
    secretary   — commission secretary of Гагаринский район: refers, sees own agency's referrals and answers;
    guardian    — guardianship specialist of the same district: a referrer of ANOTHER agency, sees nothing of
                  the commission's referrals;
    outsider    — commission secretary of another district: must see nothing;
    coordinator — heads the service: every case, accepts, declines, assigns, signs;
    facilitator — assigned to the cases built here: full case file;
    facilitator2 — a facilitator of the same service not assigned: must see nothing of those cases;
    methodologist, analyst, organiser, admin — no access to case files or referrals;
    teacher     — a school of the same district: a referrer of a third agency, sees nothing of the others';
    coordinator_b, facilitator_b — a SECOND service of the network (Велижский): sees nothing of the first
                  service's families, its figures only protected."""
    district = Territory.objects.create(name="Гагаринский")
    other = Territory.objects.create(name="Велижский")
    A = Agency.Kind
    commission = Agency.objects.create(kind=A.COMMISSION, territory=district, short_name="КДНиЗП Гагарин",
                                       name="Комиссия Гагаринского района")
    guardianship = Agency.objects.create(kind=A.GUARDIANSHIP, territory=district, short_name="Опека Гагарин",
                                         name="Опека Гагаринского района")
    far = Agency.objects.create(kind=A.COMMISSION, territory=other, short_name="КДНиЗП Велиж",
                                name="Комиссия Велижского района")
    service = Agency.objects.create(kind=A.RECONCILIATION_SERVICE, territory=district,
                                    short_name="Служба «Открытая дверь»", name="Служба примирения")
    department = Agency.objects.create(kind=A.DEPARTMENT, short_name="Департамент", name="Департамент")
    school = Agency.objects.create(kind=A.SCHOOL, territory=district, short_name="Школа № 1",
                                   name="Средняя школа № 1 г. Гагарина")
    service_b = Agency.objects.create(kind=A.RECONCILIATION_SERVICE, territory=other, short_name="Служба Велиж",
                                      name="Служба примирения Велижского района")
    return SimpleNamespace(
        district=district, commission=commission, guardianship=guardianship, far=far, service=service,
        school=school, service_b=service_b,
        secretary=_user("secretary", "Secretary", commission, Role.REFERRER),
        guardian=_user("guardian", "Guardian", guardianship, Role.REFERRER),
        outsider=_user("outsider", "Outsider", far, Role.REFERRER),
        coordinator=_user("coordinator", "Coordinator", service, Role.COORDINATOR),
        facilitator=_user("facilitator", "Facilitator", service, Role.FACILITATOR),
        facilitator2=_user("facilitator2", "Facilitatortwo", service, Role.FACILITATOR),
        methodologist=_user("methodologist", "Methodologist", service, Role.METHODOLOGIST),
        analyst=_user("analyst", "Analyst", department, Role.ANALYST),
        organiser=_user("organiser", "Organiser", service, Role.ORGANISER),
        admin=_user("admin", "Admin", service, Role.ADMIN),
        teacher=_user("teacher", "Teacher", school, Role.REFERRER),
        coordinator_b=_user("coordinator_b", "Coordinatorb", service_b, Role.COORDINATOR),
        facilitator_b=_user("facilitator_b", "Facilitatorb", service_b, Role.FACILITATOR),
    )


CAST_ROLES = ["secretary", "guardian", "outsider", "coordinator", "facilitator", "facilitator2",
              "methodologist", "analyst", "organiser", "admin", "teacher", "coordinator_b", "facilitator_b"]


def family(today=None):
    today = today or timezone.localdate()
    return [
        ({"surname": "Смирнов", "name": "Артём", "patronymic": "Олегович",
          "birth_date": today - datetime.timedelta(days=10 * 365), "sex": "m"}, ReferralPerson.Role.CHILD),
        ({"surname": "Смирнова", "name": "Ольга", "patronymic": "Петровна",
          "birth_date": today - datetime.timedelta(days=36 * 365), "sex": "f", "phone": "+7 910 000-00-01"},
         ReferralPerson.Role.PARENT),
    ]


@pytest.fixture
def make_referral(cast):
    def make(author=None, submit=True, description="Отец наказывает ребёнка ремнём."):
        author = author or cast.secretary
        agency = author.memberships.first().agency
        return referral_actions.create_referral(
            actor=author, agency=agency, service=cast.service, submit=submit, persons=family(),
            fields={"situation": Situation.CRUELTY_RISK, "description": description,
                    "representative_consent": True},
        )
    return make


ORDER = [S.REGISTERED, S.SCREENING, S.PREPARATION, S.PROGRAM, S.FOLLOW_UP, S.REPORTED, S.CLOSED]


@pytest.fixture
def make_case(cast, make_referral):
    """A case walked through the real actions up to `upto` (one of ORDER)."""

    def make(upto=S.SCREENING, kind=Program.Kind.MEDIATION, author=None):
        today = timezone.localdate()
        referral = make_referral(author=author)
        case = case_actions.accept_referral(referral, actor=cast.coordinator)
        step = ORDER.index(upto)
        if step >= 1:
            case_actions.assign_facilitators(case, [cast.facilitator], actor=cast.coordinator)
        if step >= 2:
            answers = {k: {"answer": "no", "source": "беседа"} for k, _ in Screening.QUESTIONS}
            for key in ("acknowledgement", "consent", "child_safe"):  # the safe answer to these is «yes»
                answers[key] = {"answer": "yes", "source": "беседа"}
            answers["violence"] = {"answer": "no", "source": "CONFIDENTIAL-SCREENING-SOURCE"}
            case_actions.record_screening(case, actor=cast.facilitator, done_on=today, answers=answers,
                                          outcome=Screening.Outcome.SUITABLE)
            case_actions.choose_program(case, actor=cast.facilitator, kind=kind)
            for rp in referral.persons.select_related("person"):
                role = Participant.Role.CHILD if rp.role == "child" else Participant.Role.PARTY
                p = case_actions.add_participant(case, actor=cast.facilitator, person_fields={}, role=role,
                                                 person=rp.person)
                case_actions.record_consent(p, actor=cast.facilitator, purpose=Consent.Purpose.TAKE_PART,
                                            by_representative=False, given_on=today)
                if p.is_minor:
                    case_actions.record_consent(p, actor=cast.facilitator, purpose=Consent.Purpose.TAKE_PART,
                                                by_representative=True, given_on=today)
        if step >= 3:
            case_actions.record_meeting(case, actor=cast.facilitator, kind=Meeting.Kind.JOINT, held=True,
                                        date=today, duration_minutes=90, attendees=list(case.participants.all()),
                                        notes="CONFIDENTIAL-MEETING-NOTES")
        if step >= 4:
            case_actions.record_agreement(case, actor=cast.facilitator, concluded_on=today,
                                          text="CONFIDENTIAL-AGREEMENT-TEXT", items=[
                                              {"action": "Семейный совет раз в неделю", "responsible": "мать",
                                               "deadline": today, "checker": "ведущий"}])
        if step >= 5:
            for item in case.agreement.items.all():
                case_actions.record_followup(item, actor=cast.facilitator, result="done", checked_on=today)
            fields = case_actions.report_defaults(case)
            fields["summary"] = "Программа проведена, договор выполнен."
            case_actions.draft_report(case, actor=cast.facilitator, fields=fields, expected_version=0)
            case_actions.sign_report(case, actor=cast.coordinator)
        if step >= 6:
            case_actions.close_case(case, actor=cast.coordinator)
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def make_event(cast):
    """An event with two sessions, organised by the cast's organiser."""
    from events.models import Event, EventSession

    def make(capacity=10, min_sessions=1, hours=4, kind="seminar"):
        today = timezone.localdate()
        event = Event.objects.create(kind=kind, title="Семинар по медиации", starts_on=today, ends_on=today,
                                     capacity=capacity, organiser=cast.organiser, training_hours=hours,
                                     min_sessions=min_sessions, venue="Смоленск")
        for hour in (10, 14):
            EventSession.objects.create(event=event, title=f"Занятие {hour}",
                                        starts_at=timezone.now().replace(hour=hour, minute=0))
        return event

    return make


def participant(n, **extra):
    return {"full_name": f"Участник Номер{n} Тестович", "position": "специалист", "agency": None,
            "agency_name": "Школа № 5", "territory": None, "email": f"p{n}@example.ru", "phone": "", **extra}


def blank_pdf(text=""):
    """A real one-page PDF (as a scanner would produce, without scripts), for upload tests."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def accessible_pages():
    """A browser journey fails on a serious or critical axe violation on any page it opened (tests/a11y.py)."""
    from . import a11y

    a11y.FAILURES.clear()
    yield
    failures, a11y.FAILURES[:] = list(a11y.FAILURES), []
    assert not failures, "accessibility (axe-core):\n" + "\n".join(failures)
