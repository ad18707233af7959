"""Bulk synthetic data for benchmarks: closed cases with reports, participants and meetings.

Built with bulk inserts (not through the actions), so it takes seconds per ten thousand cases; the demo
region must be loaded first. The data is invented and marked «нагрузка» in every free text."""

import contextlib
import datetime
import multiprocessing
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from accounts.models import Agency, Membership, Role, User
from audit.models import AuditEvent, AuditHead
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
    reserve_journal_numbers,
)
from lib.bulk import insert_rows, new_ids
from people import matching
from people.matching import synthetic
from people.models import Person
from people.registry import keys_for, write_keys
from referrals.models import Referral, ReferralPerson, Situation

BATCH = 2000
# Persons (and their keys) are made in a second process only when there are enough of them to pay for it.
FORK_ABOVE = 20_000


PERSON_COLUMNS = ["surname", "name", "patronymic", "sex", "birth_date"]


def people_rows(spec):
    """(count, seed) → invented persons (values in PERSON_COLUMNS order) with their registry keys, computed in a
    second process while the first one writes to the database (the keys need morphology: half the work)."""
    count, seed = spec
    rows = synthetic.generate(count, seed=seed)
    extra = 0
    while len(rows) < count:
        extra += 1
        rows += synthetic.generate(count - len(rows) + 10, seed=seed + extra)
    out = []
    for r in rows[:count]:
        values = (r[1], r[2], r[3], r[5] if r[5] in ("m", "f") else "",
                  datetime.date.fromisoformat(r[4]) if r[4] else None)
        out.append((values, sorted(keys_for(Person(**dict(zip(PERSON_COLUMNS, values, strict=True)))))))
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
        with contextlib.ExitStack() as stack:
            if sum(count for count, _seed in specs) > FORK_ABOVE:
                matching.text.morph()  # load the dictionary once, before the fork
                connections.close_all()  # the second process must not share the database connection
                made = stack.enter_context(multiprocessing.get_context("fork").Pool(1)).imap(people_rows, specs)
            else:
                made = map(people_rows, specs)
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
        ids = new_ids(Person, len(rows))
        pairs = list(zip(ids, rows, strict=True))
        insert_rows(Person, ["id", *PERSON_COLUMNS], [(pk, *values) for pk, (values, _keys) in pairs])
        write_keys([(pk, key) for pk, (_values, keys) in pairs for key in keys])
        return ids

    def batch(self, size, rng, service, agencies, facilitators, author, people_rows):
        """`size` closed cases with everything the actions would have written, as rows (lib.bulk)."""
        today = timezone.localdate()
        day = datetime.timedelta(days=1)
        days = [today - rng.randint(70, 730) * day for _ in range(size)]
        people = self.insert_people(people_rows)
        referrals = new_ids(Referral, size)
        insert_rows(Referral, ["id", "agency", "author", "service", "status", "created_at", "submitted_on", "due_date",
                               "decided_at", "answered_at", "situation", "description", "representative_consent"], [
            (pk, rng.choice(agencies).pk, author.pk, service.pk, Referral.Status.ACCEPTED, _at(d), d, d + 30 * day,
             _at(d + 2 * day), _at(d + 60 * day), rng.choice(Situation.values), "нагрузка", True)
            for pk, d in zip(referrals, days, strict=True)])
        insert_rows(ReferralPerson, ["referral", "person", "role"], [
            (r, people[2 * i + j], "child" if j == 0 else "parent") for i, r in enumerate(referrals) for j in (0, 1)])
        numbers = {}
        cases = new_ids(Case, size)
        rows = []
        for pk, r, d in zip(cases, referrals, days, strict=True):
            if d.year not in numbers:  # under the service's lock for the rest of this transaction
                numbers[d.year] = reserve_journal_numbers(service.pk, d.year) - 1
            numbers[d.year] += 1
            rows.append((pk, r, service.pk, d.year, numbers[d.year], CaseStatus.CLOSED, d + 2 * day, d + 65 * day))
        insert_rows(Case, ["id", "referral", "service", "year", "number", "status", "opened_on", "closed_on"], rows)
        insert_rows(Case.facilitators.through, ["case", "user"], [(c, rng.choice(facilitators).pk) for c in cases])
        insert_rows(Program, ["case", "kind"], [(c, rng.choice(ProgramKind.values)) for c in cases])
        participants = new_ids(Participant, 2 * size)
        insert_rows(Participant, ["id", "case", "person", "role", "is_minor"], [
            (participants[2 * i + j], c, people[2 * i + j], "child" if j == 0 else "party", j == 0)
            for i, c in enumerate(cases) for j in (0, 1)])
        meetings = new_ids(Meeting, size)
        recorder = facilitators[0].pk
        insert_rows(Meeting, ["id", "case", "kind", "date", "duration_minutes", "recorded_by"], [
            (m, c, Meeting.Kind.JOINT, d + 14 * day, 90, recorder)
            for m, c, d in zip(meetings, cases, days, strict=True)])
        insert_rows(Meeting.attendees.through, ["meeting", "participant"], [
            (m, participants[2 * i + j]) for i, m in enumerate(meetings) for j in (0, 1)])
        agreements = new_ids(Agreement, size)
        insert_rows(Agreement, ["id", "case", "concluded_on", "text"], [
            (a, c, d + 14 * day, "нагрузка") for a, c, d in zip(agreements, cases, days, strict=True)])
        insert_rows(AgreementItem, ["agreement", "action", "responsible", "deadline", "checker"], [
            (a, "нагрузка", "родители", d + 40 * day, "ведущий")
            for a, d in zip(agreements, days, strict=True) for _ in (0, 1)])
        self.audit(cases, recorder)
        Out, F = OutcomeReport.Outcome, OutcomeReport.FollowUpResult
        insert_rows(OutcomeReport, ["case", "held", "program_kind", "started_on", "finished_on", "minors", "adults",
                                    "outcome", "followup_result", "summary", "drafted_by", "signed_by", "signed_at"], [
            (c, True, "", d + 14 * day, d + 14 * day, 1, 1,
             rng.choice([Out.AGREEMENT, Out.AGREEMENT, Out.PARTIAL, Out.NO_AGREEMENT]),
             rng.choice([F.FULFILLED, F.FULFILLED, F.PARTLY, F.NOT_FULFILLED]), "нагрузка", recorder, recorder,
             _at(d + 60 * day))
            for c, d in zip(cases, days, strict=True)])

    def audit(self, cases, actor_id):
        """The rows the actions would have written, chained like every other audit row."""
        head = AuditHead.objects.select_for_update().get(pk=1)
        last = head.row_hash
        codes = dict(Case.objects.filter(pk__in=cases).values_list("pk", "code"))
        at = timezone.now().replace(microsecond=0)
        rows = []
        for case in cases:
            for action in ("case.open", "case.report.sign", "case.close"):
                row_hash = AuditEvent.chain_hash(last, at, actor_id, AuditEvent.Kind.WRITE, action, "case",
                                                 codes[case], ["status"])
                rows.append((at, actor_id, AuditEvent.Kind.WRITE, action, "case", codes[case], '["status"]', last,
                             row_hash))
                last = row_hash
        insert_rows(AuditEvent, ["at", "actor", "kind", "action", "object_type", "object_code", "fields", "prev_hash",
                                 "row_hash"], rows)
        AuditHead.objects.filter(pk=1).update(count=head.count + len(rows), row_hash=last, updated_at=at)


def _at(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, 0)))
