"""Create the demo region: territories, agencies, one user per role and ~170 consistent cases over two years.

Cases are built through the same actions a person uses, so every rule holds (a closed case has its
signed report, a joint meeting has a screening before it); only timestamps are moved into the past.
"""

import datetime
import random

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Agency, Membership, Role, Territory, User
from cases import actions as case_actions
from cases.models import Case, CaseStatus, Consent, Meeting, OutcomeReport, Participant, Program, Screening
from demo import region as demo
from events import actions as event_actions
from events.models import Event, EventSession
from methods import demo as methods_demo
from people import registry
from referrals import actions as referral_actions
from referrals.models import Referral, ReferralPerson, Situation
from reports.models import Indicator, IndicatorPeriod
from safety import actions as safety_actions

S = CaseStatus
K = Program.Kind
DAY = datetime.timedelta(days=1)

# (final state, how many): every state of DESIGN §4.1 is present.
PLAN = [
    (S.CLOSED, 96), (S.REPORTED, 8), (S.FOLLOW_UP, 12), (S.PROGRAM, 8), (S.PREPARATION, 10),
    (S.SCREENING, 8), (S.REGISTERED, 5), (S.NOT_SUITABLE, 4), (S.NOT_HELD, 5), (S.SAFETY_HOLD, 3),
    (S.TERMINATED, 3),
]
# Days from referral to the final state, so each case's story fits before today.
SPAN = {S.CLOSED: 75, S.REPORTED: 70, S.FOLLOW_UP: 35, S.PROGRAM: 25, S.PREPARATION: 12, S.SCREENING: 5,
        S.REGISTERED: 2, S.NOT_SUITABLE: 9, S.NOT_HELD: 16, S.SAFETY_HOLD: 12, S.TERMINATED: 16}
KIND_SITUATION = {
    K.MEDIATION: [Situation.PARENTS_CONFLICT, Situation.FAMILY_CONFLICT],
    K.HARM_REPAIR: [Situation.OFFENCE],
    K.FAMILY_CONFERENCE: [Situation.CRUELTY_RISK, Situation.RETURN_TO_FAMILY],
    K.CIRCLE: [Situation.INSTITUTION_CONFLICT, Situation.FAMILY_CONFLICT],
    K.SCHOOL_CONFERENCE: [Situation.SCHOOL_CONFLICT],
    K.PREVENTIVE: [Situation.CRUELTY_RISK, Situation.FAMILY_CONFLICT],
}


class Command(BaseCommand):
    help = "Load the demo Smolensk region (DESIGN §6)."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing when users already exist")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, if_empty=False, seed=2026, **options):
        if if_empty and User.objects.exists():
            self.stdout.write(_("The demo data is already loaded; the database is kept as it is."))
            return
        # Invented demo data: a seeded generator, not security.
        self.rng = random.Random(seed)  # nosec B311
        self.today = timezone.localdate()
        with transaction.atomic():
            self.build_region()
            self.build_users()
            methods_demo.build(self.users, self.today)
            count = self.build_cases()
            methods_demo.supervision_and_library(self.users, self.today)
            self.build_open_referrals()
            self.build_indicators()
            self.build_events()
        registry.find_duplicates()
        self.stdout.write(self.style.SUCCESS(
            _("Demo region loaded: %(territories)s territories, %(agencies)s agencies, %(cases)s cases, "
              "%(referrals)s referrals.") % {
                "territories": Territory.objects.count(), "agencies": Agency.objects.count(), "cases": count,
                "referrals": Referral.objects.count()}
        ))

    # --- region -------------------------------------------------------------------------------
    def build_region(self):
        A = Agency.Kind
        self.referrers = []
        for name, kind in demo.TERRITORIES:
            territory = Territory.objects.create(name=name, kind=kind)
            label = f"г. {name}" if kind == "city" else f"{name} р-н"
            where = f"города {name}" if kind == "city" else f"{name.removesuffix('ий')}ого района"
            for agency_kind, short, full in [
                (A.COMMISSION, "КДНиЗП", "Комиссия по делам несовершеннолетних и защите их прав"),
                (A.GUARDIANSHIP, "Опека", "Орган опеки и попечительства"),
                (A.POLICE_JUVENILE, "ПДН", "Подразделение по делам несовершеннолетних"),
            ]:
                self.referrers.append(Agency.objects.create(
                    kind=agency_kind, territory=territory, short_name=f"{short} {label}",
                    name=f"{full} {where}" if kind == "district" else f"{full} г. {name}",
                ))
        smolensk = Territory.objects.get(name="Смоленск")
        extra = [
            (A.SOCIAL, "СРЦН «Феникс»", "ОГБУ «Социально-реабилитационный центр для несовершеннолетних «Феникс»"),
            (A.SOCIAL, "СРЦН «Радуга»", "ОГБУ «Социально-реабилитационный центр для несовершеннолетних «Радуга»"),
            (A.RESIDENTIAL, "Детский дом «Солнышко»", "ОГБУ «Центр содействия семейному воспитанию «Солнышко»"),
            (A.SCHOOL, "Школа № 12", "МБОУ «Средняя школа № 12» г. Смоленска"),
            (A.SCHOOL, "Школа № 27", "МБОУ «Средняя школа № 27» г. Смоленска"),
            (A.SCHOOL, "Гимназия № 4", "МБОУ «Гимназия № 4» г. Смоленска"),
        ]
        for kind, short, full in extra:
            self.referrers.append(Agency.objects.create(kind=kind, territory=smolensk, short_name=short, name=full))
        Agency.objects.create(kind=A.DEPARTMENT, short_name="Департамент",
                              name="Департамент Смоленской области по социальному развитию")
        self.service = Agency.objects.create(
            kind=A.RECONCILIATION_SERVICE, territory=smolensk, short_name="Служба «Открытая дверь»",
            name="Служба примирения «Открытая дверь» ОГБУ СРЦН «Феникс»",
            address="214000, г. Смоленск, ул. Демонстративная, д. 1", email="opendoor@example.ru",
        )

    def build_users(self):
        self.users = {}
        for login, surname, name, patr, role, agency_name, _what in demo.ACCOUNTS:
            user = User.objects.create_user(login, password=demo.PASSWORD, last_name=surname, first_name=name,
                                            patronymic=patr, email=f"{login}@example.ru")
            agency = (self.service if agency_name == "Служба «Открытая дверь»"
                      else Agency.objects.get(short_name=agency_name))
            Membership.objects.create(user=user, agency=agency, role=role)
            self.users[login] = user
        # Referrers of other agencies author the referrals of their agencies.
        self.agency_authors = {}

    def author_for(self, agency):
        if agency.pk not in self.agency_authors:
            existing = User.objects.filter(memberships__agency=agency, memberships__role=Role.REFERRER).first()
            if existing is None:
                n = len(self.agency_authors) + 1
                existing = User.objects.create_user(
                    f"ref{n:03d}", password=None, last_name=self.rng.choice(demo.MALE_SURNAMES) + "а",
                    first_name=self.rng.choice(demo.FEMALE_NAMES), patronymic="Ивановна",
                )
                Membership.objects.create(user=existing, agency=agency, role=Role.REFERRER)
            self.agency_authors[agency.pk] = existing
        return self.agency_authors[agency.pk]

    # --- people --------------------------------------------------------------------------------
    def family(self, day):
        rng = self.rng
        surname = rng.choice(demo.MALE_SURNAMES)
        father = rng.choice(demo.FATHER_NAMES)
        boy = rng.random() < 0.5
        child_birth = day - datetime.timedelta(days=rng.randint(6 * 365, 16 * 365))
        child = {"surname": surname if boy else demo.female(surname),
                 "name": rng.choice(demo.MALE_NAMES if boy else demo.FEMALE_NAMES),
                 "patronymic": demo.patronymic(father, boy), "birth_date": child_birth, "sex": "m" if boy else "f",
                 "address": f"г. Смоленск, ул. Примерная, д. {rng.randint(1, 90)}"}
        mother = {"surname": demo.female(surname), "name": rng.choice(demo.FEMALE_NAMES),
                  "patronymic": demo.patronymic(rng.choice(demo.FATHER_NAMES), False),
                  "birth_date": child_birth - datetime.timedelta(days=rng.randint(22 * 365, 35 * 365)), "sex": "f",
                  "phone": f"+7 910 {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"}
        dad = {"surname": surname, "name": father, "patronymic": demo.patronymic(rng.choice(demo.FATHER_NAMES), True),
               "birth_date": child_birth - datetime.timedelta(days=rng.randint(24 * 365, 38 * 365)), "sex": "m"}
        return [(child, ReferralPerson.Role.CHILD), (mother, ReferralPerson.Role.PARENT),
                (dad, ReferralPerson.Role.PARENT)]

    # --- cases ---------------------------------------------------------------------------------
    def build_cases(self):
        rng = self.rng
        kinds = list(K.values)
        stories = []
        for target, count in PLAN:
            for _i in range(count):
                latest = self.today - datetime.timedelta(days=SPAN[target] + rng.randint(1, 20))
                earliest = self.today - datetime.timedelta(days=720)
                if latest < earliest:
                    latest = earliest
                day = earliest + datetime.timedelta(days=rng.randint(0, (latest - earliest).days))
                stories.append((day, target))
        stories.sort(key=lambda s: s[0])
        for index, (day, target) in enumerate(stories):
            kind = kinds[index % len(kinds)]
            self.story(day, target, kind, shuttle=(kind == K.MEDIATION and index % 4 == 0))
        return len(stories)

    def story(self, day, target, kind, shuttle):
        rng = self.rng
        coordinator = self.users["koordinator"]
        facilitators = [self.users["vedushchiy"]] if rng.random() < 0.6 else [self.users["vedushchiy2"]]
        if kind in (K.FAMILY_CONFERENCE, K.CIRCLE) and rng.random() < 0.5:
            facilitators = [self.users["vedushchiy"], self.users["vedushchiy2"]]
        agency = rng.choice(self.referrers)
        author = self.author_for(agency)
        situation = rng.choice(KIND_SITUATION[kind])
        fields = {"situation": situation, "representative_consent": True,
                  "description": "Ситуация описана по материалам организации (демонстрационные данные)."}
        if kind == K.FAMILY_CONFERENCE:
            fields.update(concerns="Ребёнок часто остаётся без присмотра взрослых.",
                          bottom_lines="Ребёнок не остаётся один дома; ежедневно посещает школу.",
                          questions="Кто из родственников может помочь с присмотром после школы?")
        referral = referral_actions.create_referral(
            actor=author, agency=agency, service=self.service, submit=False, fields=fields,
            persons=self.family(day),
        )
        referral_actions.submit_referral(referral, actor=author, today=day)
        case = case_actions.accept_referral(referral, actor=coordinator, today=day + 2 * DAY)
        Referral.objects.filter(pk=referral.pk).update(created_at=_at(day), decided_at=_at(day + 2 * DAY))
        if target == S.REGISTERED:
            return
        case_actions.assign_facilitators(case, facilitators, actor=coordinator)
        if target == S.SCREENING:
            return
        actor = facilitators[0]
        answers = {key: {"answer": "no", "source": "беседа с родителями"} for key, _ in Screening.QUESTIONS}
        answers["acknowledgement"]["answer"] = "yes"
        answers["consent"]["answer"] = "yes"
        answers["child_safe"]["answer"] = "yes"
        if target == S.NOT_SUITABLE:
            answers["violence"] = {"answer": "yes", "source": "сведения ПДН"}
            case_actions.record_screening(case, actor=actor, done_on=day + 7 * DAY, answers=answers,
                                          outcome=Screening.Outcome.NOT_SUITABLE,
                                          reason="Продолжающееся насилие; программа небезопасна.",
                                          referred_to="Орган опеки и попечительства")
            return
        safeguards = rng.random() < 0.3
        share = rng.random() < 0.8
        case_actions.record_screening(
            case, actor=actor, done_on=day + 5 * DAY, answers=answers,
            outcome=Screening.Outcome.SAFEGUARDS if safeguards else Screening.Outcome.SUITABLE,
            safeguards="Отдельные предварительные встречи; присутствие психолога." if safeguards else "",
        )
        case_actions.choose_program(case, actor=actor, kind=kind, shuttle=shuttle)
        participants = []
        for rp in referral.persons.select_related("person"):
            role = Participant.Role.CHILD if rp.role == ReferralPerson.Role.CHILD else Participant.Role.PARTY
            p = case_actions.add_participant(case, actor=actor, person_fields={}, role=role, person=rp.person)
            # Most families also agree that the referrer may read the agreement.
            purposes = [Consent.Purpose.TAKE_PART]
            if share:
                purposes.append(Consent.Purpose.SHARE_AGREEMENT)
            for purpose in purposes:
                case_actions.record_consent(p, actor=actor, purpose=purpose, by_representative=False,
                                            given_on=day + 6 * DAY)
                if p.is_minor:
                    case_actions.record_consent(p, actor=actor, purpose=purpose, by_representative=True,
                                                given_on=day + 6 * DAY)
            participants.append(p)
        if kind == K.FAMILY_CONFERENCE:
            case_actions.record_network_member(case, actor=actor, name="Бабушка по линии матери",
                                               relation="бабушка", invited=True)
            case_actions.record_network_member(case, actor=actor, name="Отчим", relation="отчим", invited=False,
                                               excluded_reason="запрет на общение по решению суда")
            case_actions.record_child_voice(case, actor=actor, text="Ребёнок написал письмо семье; "
                                            "на встрече его зачитает поддерживающий взрослый.")
        for p in participants:
            case_actions.record_meeting(case, actor=actor, kind=Meeting.Kind.PRELIMINARY, held=True,
                                        date=day + 8 * DAY, duration_minutes=60, attendees=[p],
                                        notes="Рабочие заметки ведущего (демо).")
        if target == S.PREPARATION:
            return
        if target == S.SAFETY_HOLD:
            self.notice(case, actor)
            return
        # One closed case in ten was never held: the monitoring counts reasons for not completing.
        not_held = target == S.NOT_HELD or (target == S.CLOSED and rng.random() < 0.1)
        if not_held:
            case_actions.mark_not_held(case, actor=actor, reason=rng.choice(
                ["party_refused", "unreachable", "resolved"]), comment="")
            if target == S.NOT_HELD:
                return
        elif target == S.TERMINATED:
            self.notice(case, actor)
            safety_actions.terminate_case(case, actor=coordinator, reason="Угроза подтвердилась; дело передано "
                                          "в орган опеки для принятия мер.")
            return
        else:
            if not shuttle:
                if kind == K.FAMILY_CONFERENCE:
                    case_actions.record_meeting(case, actor=actor, kind=Meeting.Kind.INFO_SHARING, held=True,
                                                date=day + 14 * DAY, duration_minutes=40, attendees=participants,
                                                notes="Специалисты рассказали о поводе для беспокойства.")
                    case_actions.record_meeting(case, actor=actor, kind=Meeting.Kind.FAMILY_TIME, held=True,
                                                date=day + 14 * DAY, duration_minutes=90, attendees=participants[1:])
                case_actions.record_meeting(case, actor=actor, kind=Meeting.Kind.JOINT, held=True,
                                            date=day + 14 * DAY, duration_minutes=120, attendees=participants,
                                            notes="Ход встречи (демо).")
            if target == S.PROGRAM:
                return
            no_agreement = not shuttle and rng.random() < 0.1
            if not no_agreement:
                review_on = day + 14 * DAY + 150 * DAY if kind == K.FAMILY_CONFERENCE else None
                case_actions.record_agreement(case, actor=actor, concluded_on=day + 14 * DAY, text="",
                                              review_on=review_on, items=[
                    {"action": "Обсуждать вопросы воспитания без крика, раз в неделю — семейный совет",
                     "responsible": "родители", "deadline": day + 40 * DAY, "checker": "ведущий"},
                    {"action": "Посещать занятия у психолога", "responsible": "родители и ребёнок",
                     "deadline": day + 45 * DAY, "checker": "специалист СРЦН"},
                ])
                if kind == K.FAMILY_CONFERENCE and share:
                    case_actions.decide_plan(case.agreement, actor=author, accepted=True)
                if target == S.FOLLOW_UP:
                    return
                for item in case.agreement.items.all():
                    result = rng.choices(["done", "partly", "not_done"], weights=[7, 2, 1])[0]
                    case_actions.record_followup(item, actor=actor, result=result, checked_on=day + 50 * DAY)
        fields = case_actions.report_defaults(case)
        fields["summary"] = "Программа проведена; подробности программы конфиденциальны (демо)."
        case_actions.draft_report(case, actor=actor, fields=fields, expected_version=0)
        case_actions.sign_report(case, actor=coordinator)
        OutcomeReport.objects.filter(case=case).update(signed_at=_at(day + 60 * DAY), drafted_at=_at(day + 58 * DAY))
        Referral.objects.filter(pk=case.referral_id).update(answered_at=_at(day + 60 * DAY))
        if target == S.CLOSED:
            case_actions.close_case(case, actor=coordinator)
            Case.objects.filter(pk=case.pk).update(closed_on=day + 65 * DAY)

    def build_indicators(self):
        year = self.today.year
        for name, unit, baseline, rule, targets in [
            ("Число семей, принявших участие в восстановительных программах", "семей", 40, "completed", (50, 60)),
            ("Число детей — участников восстановительных программ", "чел.", 40, "minors", (55, 65)),
            ("Число специалистов, обученных восстановительному подходу", "чел.", 20, "", (40, 60)),
        ]:
            indicator = Indicator.objects.create(name=name, unit=unit, baseline=baseline, rule=rule,
                                                 service=self.service)
            for offset, target in zip((1, 0), targets, strict=True):
                IndicatorPeriod.objects.create(
                    indicator=indicator, start=datetime.date(year - offset, 1, 1),
                    end=datetime.date(year - offset, 12, 31), target=target,
                    manual_actual=None if rule else (44 if offset else 31),
                    comment="" if rule else "по спискам обучающих семинаров",
                )

    def build_events(self):
        """The 23 June interagency conference with its seminar, and an upcoming seminar open for registration."""

        rng = self.rng
        organiser = self.users["organizator"]
        year = self.today.year if self.today >= datetime.date(self.today.year, 6, 24) else self.today.year - 1
        day = datetime.date(year, 6, 23)
        conference = Event.objects.create(
            kind=Event.Kind.CONFERENCE, organiser=organiser, starts_on=day, ends_on=day, capacity=60,
            title="Восстановительный подход: профилактика жестокого обращения с несовершеннолетними в семьях",
            venue="г. Смоленск, ул. Демонстративная, д. 1, актовый зал", training_hours=6, min_sessions=2,
            description="Межведомственная конференция и методический семинар для специалистов системы профилактики.",
        )
        sessions = [
            EventSession.objects.create(event=conference, starts_at=_at(day).replace(hour=h), title=title,
                                        speakers=speakers)
            for h, title, speakers in [
                (10, "Пленарное заседание: восстановительный подход в системе профилактики", "Соколова Е. А."),
                (13, "Методический семинар: семейная восстановительная встреча", "Миронов Д. И., Белова А. О."),
                (15, "Круглый стол: межведомственное взаимодействие", "Орлова М. В."),
            ]
        ]
        kinds = [Agency.Kind.COMMISSION, Agency.Kind.GUARDIANSHIP, Agency.Kind.POLICE_JUVENILE, Agency.Kind.SOCIAL,
                 Agency.Kind.RESIDENTIAL, Agency.Kind.SCHOOL, Agency.Kind.DEPARTMENT]
        positions = {Agency.Kind.COMMISSION: "ответственный секретарь", Agency.Kind.GUARDIANSHIP: "специалист",
                     Agency.Kind.POLICE_JUVENILE: "инспектор ПДН", Agency.Kind.SOCIAL: "социальный педагог",
                     Agency.Kind.RESIDENTIAL: "педагог-психолог", Agency.Kind.SCHOOL: "педагог-психолог",
                     Agency.Kind.DEPARTMENT: "консультант"}
        for i in range(48):
            agency = rng.choice(list(Agency.objects.filter(kind=kinds[i % len(kinds)])))
            male = i % 3 == 0
            surname = rng.choice(demo.MALE_SURNAMES)
            first_name = rng.choice(demo.MALE_NAMES if male else demo.FEMALE_NAMES)
            name = (f"{surname if male else demo.female(surname)} {first_name} "
                    f"{demo.patronymic(rng.choice(demo.FATHER_NAMES), male)}")
            registration = event_actions.register(conference, consent=True, confirmed=True, fields={
                "full_name": name, "position": positions[agency.kind], "agency": agency,
                "territory": agency.territory, "email": f"uchastnik{i + 1}@example.ru", "phone": ""})
            attended = sessions if i % 8 else sessions[:1]  # one in eight left after the plenary
            for session in attended:
                event_actions.mark_attendance(registration, session, actor=organiser)
        event_actions.issue_certificates(conference, actor=organiser)
        first = conference.registrations.filter(certificate__isnull=False).order_by("id").first()
        event_actions.revoke(first.certificate, actor=organiser, reason="Выдано ошибочно: участник не присутствовал.")
        start = self.today + datetime.timedelta(days=20)
        seminar = Event.objects.create(
            kind=Event.Kind.SEMINAR, organiser=organiser, starts_on=start, ends_on=start, capacity=25,
            title="Методический семинар «Медиация в конфликтах родителей и подростков»", training_hours=4,
            venue="г. Смоленск, СРЦН «Феникс»", min_sessions=1,
        )
        EventSession.objects.create(event=seminar, starts_at=_at(start), title="Практикум: челночная медиация",
                                    speakers="Белова А. О.")

    def notice(self, case, actor):
        safety_actions.open_notice(
            case, actor=actor, recipients=safety_actions.default_recipients(case),
            content="На предварительной встрече ребёнок рассказал о систематических побоях со стороны отчима "
                    "(демонстрационные данные).",
        )

    def build_open_referrals(self):
        """Referrals still waiting (some overdue), declined, withdrawn and a draft, for the dashboards."""
        kdn = self.users["kdn"]
        agency = kdn.memberships.first().agency
        waiting = [2, 10, 25, 34, 41]  # days ago: the last two are overdue at 30 days
        for ago in waiting:
            day = self.today - ago * DAY
            referral = referral_actions.create_referral(
                actor=kdn, agency=agency, service=self.service, submit=False,
                persons=self.repeated_family() if ago == 2 else self.family(day),
                fields={"situation": Situation.CRUELTY_RISK, "representative_consent": True,
                        "description": "Со слов классного руководителя ребёнок боится идти домой (демо)."},
            )
            referral_actions.submit_referral(referral, actor=kdn, today=day)
        for ago, move in [(50, "decline"), (80, "withdraw")]:
            day = self.today - ago * DAY
            referral = referral_actions.create_referral(
                actor=kdn, agency=agency, service=self.service, submit=False, persons=self.family(day),
                fields={"situation": Situation.FAMILY_CONFLICT, "representative_consent": True,
                        "description": "Конфликт подростка с матерью (демо)."},
            )
            referral_actions.submit_referral(referral, actor=kdn, today=day)
            if move == "decline":
                referral_actions.decline_referral(referral, actor=self.users["koordinator"],
                                                  reason="Семья уже участвует в программе другой службы.")
            else:
                referral_actions.withdraw_referral(referral, actor=kdn)
        referral_actions.create_referral(
            actor=kdn, agency=agency, service=self.service, submit=False, persons=self.family(self.today),
            fields={"situation": Situation.OFFENCE, "representative_consent": False,
                    "description": "Черновик: кража в магазине, нужен контакт с потерпевшим (демо)."},
        )


    def repeated_family(self):
        """A family the service already worked with, written the way another agency writes it: the child in the
        dative case with a short name, the mother's date of birth with day and month swapped. The registry
        flags both for the coordinator (and find_duplicates queues them)."""
        earlier = Referral.objects.filter(case__isnull=False).order_by("pk").first()
        rows = []
        for rp in earlier.persons.select_related("person").filter(role__in=["child", "parent"])[:2]:
            p = rp.person
            fields = {"surname": p.surname, "name": p.name, "patronymic": p.patronymic, "birth_date": p.birth_date,
                      "sex": p.sex}
            if rp.role == "child":
                fields.update(surname=demo.dative(p.surname, p.sex), name=demo.SHORT_NAMES.get(p.name, p.name),
                              patronymic="")
            elif p.birth_date and p.birth_date.day <= 12:
                fields["birth_date"] = p.birth_date.replace(day=p.birth_date.month, month=p.birth_date.day)
            rows.append((fields, rp.role))
        return rows


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
