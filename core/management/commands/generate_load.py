"""Bulk synthetic data for benchmarks: closed cases with reports, participants and meetings.

Built with bulk inserts (not through the actions), so it takes seconds per ten thousand cases; the demo
region must be loaded first. The data is invented and marked «нагрузка» in every free text."""

import datetime
import multiprocessing
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import Agency, Membership, Role, User
from audit.models import AuditEvent
from cases.models import (
    Agreement,
    AgreementItem,
    Case,
    CaseStatus,
    Meeting,
    OutcomeReport,
    Participant,
    Program,
    ProgramKind,
)
from people import matching
from people.matching import synthetic
from people.models import Person
from people.registry import keys_for, write_keys
from referrals.models import Referral, ReferralPerson, Situation

BATCH = 2000


def people_rows(spec):
    """(count, seed) → invented persons with their registry keys, computed in a second process while the first
    one writes to the database (the keys need morphology: half the work of a person)."""
    count, seed = spec
    rows = synthetic.generate(count, seed=seed)
    extra = 0
    while len(rows) < count:
        extra += 1
        rows += synthetic.generate(count - len(rows) + 10, seed=seed + extra)
    out = []
    for r in rows[:count]:
        person = Person(surname=r[1], name=r[2], patronymic=r[3], sex=r[5] if r[5] in ("m", "f") else "",
                        birth_date=datetime.date.fromisoformat(r[4]) if r[4] else None)
        out.append((person, sorted(keys_for(person))))
    return out


class Command(BaseCommand):
    help = "Add N synthetic closed cases (with referrals, people, meetings and reports) for load benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10000)
        parser.add_argument("--persons", type=int, default=0,
                            help="people in the registry; extra ones appear in no case (default: two per case)")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, cases, persons, seed, **options):
        service = Agency.main_service()
        agencies = list(Agency.objects.exclude(kind__in=[Agency.Kind.RECONCILIATION_SERVICE,
                                                         Agency.Kind.DEPARTMENT]))
        facilitators = list(User.objects.filter(memberships__role=Role.FACILITATOR))
        if not (service and agencies and facilitators):
            raise CommandError("Сначала загрузите демо-регион: python manage.py seed_demo")
        author, _created = User.objects.get_or_create(username="load-author", defaults={"last_name": "Нагрузка"})
        Membership.objects.get_or_create(user=author, agency=agencies[0], role=Role.REFERRER)
        rng = random.Random(seed)  # nosec B311
        started = time.perf_counter()
        extra = max(persons - 2 * cases, 0)
        sizes = [min(BATCH, cases - done) for done in range(0, cases, BATCH)]
        specs = [(2 * size, rng.randrange(1 << 30)) for size in sizes]
        specs += [(min(BATCH * 5, extra - done), rng.randrange(1 << 30)) for done in range(0, extra, BATCH * 5)]
        matching.text.morph()  # load the dictionary once, before the fork
        connections.close_all()  # the second process must not share the database connection
        with multiprocessing.get_context("fork").Pool(1) as pool:
            made = pool.imap(people_rows, specs)
            done = 0
            for size in sizes:
                with transaction.atomic():
                    self.batch(size, rng, service, agencies, facilitators, author, next(made))
                done += size
                self.stdout.write(f"  {done} / {cases}")
            for rows in made:
                with transaction.atomic():
                    self.insert_people(rows)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # fresh statistics: without them the planner picks row-by-row plans
        self.stdout.write(f"Добавлено случаев: {cases}, людей: {max(persons, 2 * cases)} "
                          f"за {time.perf_counter() - started:.1f} с.")

    def insert_people(self, rows):
        people = Person.objects.bulk_create([person for person, _keys in rows])
        write_keys([(person.pk, key) for person, keys in rows for key in keys])
        return people

    def batch(self, size, rng, service, agencies, facilitators, author, people_rows):
        today = timezone.localdate()
        days = [today - datetime.timedelta(days=rng.randint(70, 730)) for _ in range(size)]
        people = self.insert_people(people_rows)
        referrals = Referral.objects.bulk_create(
            Referral(agency=rng.choice(agencies), author=author, service=service, status=Referral.Status.ACCEPTED,
                     created_at=_at(d), submitted_on=d, due_date=d + datetime.timedelta(days=30),
                     decided_at=_at(d + datetime.timedelta(days=2)), answered_at=_at(d + datetime.timedelta(days=60)),
                     situation=rng.choice(Situation.values),
                     description="нагрузка", representative_consent=True)
            for d in days
        )
        ReferralPerson.objects.bulk_create(
            ReferralPerson(referral=r, person=people[2 * i + j], role="child" if j == 0 else "parent")
            for i, r in enumerate(referrals) for j in (0, 1)
        )
        numbers = {}
        new_cases = []
        for r, d in zip(referrals, days, strict=True):
            year = d.year
            if year not in numbers:
                numbers[year] = Case.objects.filter(service=service, year=year).aggregate(n=Max("number"))["n"] or 0
            numbers[year] += 1
            new_cases.append(Case(referral=r, service=service, year=year, number=numbers[year],
                                  status=CaseStatus.CLOSED, opened_on=d + datetime.timedelta(days=2),
                                  closed_on=d + datetime.timedelta(days=65)))
        new_cases = Case.objects.bulk_create(new_cases)
        Case.facilitators.through.objects.bulk_create(
            Case.facilitators.through(case=c, user=rng.choice(facilitators)) for c in new_cases)
        Program.objects.bulk_create(Program(case=c, kind=rng.choice(ProgramKind.values)) for c in new_cases)
        participants = Participant.objects.bulk_create(
            Participant(case=c, person=people[2 * i + j], role="child" if j == 0 else "party", is_minor=j == 0)
            for i, c in enumerate(new_cases) for j in (0, 1)
        )
        meetings = Meeting.objects.bulk_create(
            Meeting(case=c, kind=Meeting.Kind.JOINT, date=d + datetime.timedelta(days=14), duration_minutes=90,
                    recorded_by=facilitators[0])
            for c, d in zip(new_cases, days, strict=True)
        )
        Meeting.attendees.through.objects.bulk_create(
            Meeting.attendees.through(meeting=m, participant=participants[2 * i + j])
            for i, m in enumerate(meetings) for j in (0, 1)
        )
        agreements = Agreement.objects.bulk_create(
            Agreement(case=c, concluded_on=d + datetime.timedelta(days=14), text="нагрузка")
            for c, d in zip(new_cases, days, strict=True))
        AgreementItem.objects.bulk_create(
            AgreementItem(agreement=a, action="нагрузка", responsible="родители",
                          deadline=d + datetime.timedelta(days=40), checker="ведущий")
            for a, d in zip(agreements, days, strict=True) for _ in (0, 1))
        self.audit(new_cases, facilitators[0])
        Out, F = OutcomeReport.Outcome, OutcomeReport.FollowUpResult
        OutcomeReport.objects.bulk_create(
            OutcomeReport(case=c, held=True, program_kind="", started_on=d + datetime.timedelta(days=14),
                          finished_on=d + datetime.timedelta(days=14), minors=1, adults=1,
                          outcome=rng.choice([Out.AGREEMENT, Out.AGREEMENT, Out.PARTIAL, Out.NO_AGREEMENT]),
                          followup_result=rng.choice([F.FULFILLED, F.FULFILLED, F.PARTLY, F.NOT_FULFILLED]),
                          summary="нагрузка", drafted_by=facilitators[0], signed_by=facilitators[0],
                          signed_at=_at(d + datetime.timedelta(days=60)))
            for c, d in zip(new_cases, days, strict=True)
        )


    def audit(self, cases, actor):
        """The rows the actions would have written, chained like every other audit row."""
        last = AuditEvent.objects.order_by("-id").values_list("row_hash", flat=True).first() or ""
        rows = []
        for case in cases:
            for action in ("case.open", "case.report.sign", "case.close"):
                event = AuditEvent(at=timezone.now().replace(microsecond=0), actor=actor, action=action,
                                   object_type="case", object_code=case.code, fields=["status"], prev_hash=last)
                event.row_hash = last = event.compute_hash()
                rows.append(event)
        AuditEvent.objects.bulk_create(rows)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
