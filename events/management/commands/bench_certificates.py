"""Time the certificate batch (the background task, one PDF at a time to disk) against rendering the same HTML
with WeasyPrint directly. Everything is rolled back afterwards. Prints figures and writes
bench/results/certificates-<count>.json. Not a test."""

import datetime
import json
import resource
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Agency, Role, User
from events import actions
from events.certificates import certificate_html, font_configuration
from events.models import Certificate, Event, EventSession
from events.tasks import render_certificates


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark a batch of certificates against direct WeasyPrint rendering of the same HTML."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=1000)

    def handle(self, *args, count, **options):
        from weasyprint import HTML

        organiser = User.objects.filter(memberships__role=Role.ORGANISER).first()
        service = Agency.main_service()
        result = {}
        with tempfile.TemporaryDirectory() as folder, override_settings(OPENDOOR_FILES_DIR=folder):
            try:
                with transaction.atomic():
                    event = self.event(organiser, count)
                    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
                        batch = actions.issue_certificates(event, actor=organiser)
                    # Warm WeasyPrint (fonts, styles) once, so neither side pays it.
                    HTML(string="<p>прогрев</p>").write_pdf()
                    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                    began = time.perf_counter()
                    render_certificates.call(batch_id=batch.pk)
                    batch_seconds = time.perf_counter() - began
                    peak = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024
                    sizes = [c.path.stat().st_size for c in Certificate.objects.filter(registration__event=event)]
                    pages = [certificate_html(c, service) for c in
                             Certificate.objects.filter(registration__event=event).select_related(
                                 "registration__event", "registration__agency")]
                    fonts = font_configuration()
                    began = time.perf_counter()
                    for html in pages:
                        HTML(string=html).write_pdf(font_config=fonts)
                    direct_seconds = time.perf_counter() - began
                    result = {
                        "count": count, "batch_s": round(batch_seconds, 2), "direct_s": round(direct_seconds, 2),
                        "per_certificate_ms": round(1000 * batch_seconds / count, 1),
                        "direct_per_certificate_ms": round(1000 * direct_seconds / count, 1),
                        "ratio": round(batch_seconds / direct_seconds, 3),
                        "peak_memory_growth_mb": round(peak / 2**20, 1),
                        "all_pdfs_mb": round(sum(sizes) / 2**20, 1), "files": len(sizes),
                    }
                    raise Rollback
            except Rollback:
                pass
        folder = Path(settings.BASE_DIR) / "bench" / "results"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"certificates-{count}.json").write_text(json.dumps(result, indent=1))
        self.stdout.write(f"Свидетельств: {result['count']}; пакет: {result['per_certificate_ms']} мс на штуку; "
                          f"WeasyPrint напрямую: {result['direct_per_certificate_ms']} мс; "
                          f"отношение {result['ratio']}.")
        self.stdout.write(f"Рост пиковой памяти процесса за пакет: {result['peak_memory_growth_mb']} МБ "
                          f"при {result['all_pdfs_mb']} МБ всех PDF ({result['files']} файлов).")

    def event(self, organiser, count):
        today = timezone.localdate()
        event = Event.objects.create(kind=Event.Kind.CONFERENCE, title="Нагрузочная конференция", starts_on=today,
                                     ends_on=today, capacity=count, organiser=organiser, training_hours=6)
        session = EventSession.objects.create(event=event, title="Пленарное заседание",
                                              starts_at=timezone.make_aware(datetime.datetime.combine(
                                                  today, datetime.time(10))))
        agency = Agency.objects.exclude(kind=Agency.Kind.RECONCILIATION_SERVICE).first()
        with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
            for n in range(count):
                registration = actions.register(event, consent=True, confirmed=True, fields={
                    "full_name": f"Участникова Мария Ивановна {n}", "position": "педагог-психолог",
                    "agency": agency, "agency_name": "", "territory": None, "email": f"bench{n}@example.ru",
                    "phone": ""})
                actions.mark_attendance(registration, session, actor=organiser)
        return event
