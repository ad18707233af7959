from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from accounts.models import Agency

from .certificates import font_configuration, write_pdf
from .models import Certificate, CertificateBatch


@task()
def render_certificates(batch_id):
    """Render the event's certificates one by one to files; progress is saved after each one, and no more
    than one PDF is in memory at a time."""

    batch = CertificateBatch.objects.get(pk=batch_id)
    service = batch.event.service or Agency.main_service()  # the event's own service signs its certificates
    pending = (Certificate.objects.filter(registration__event_id=batch.event_id, pdf_ready=False)
               .select_related("registration__event", "registration__agency"))
    fonts = font_configuration()
    for certificate in pending.iterator(chunk_size=100):
        write_pdf(certificate, service, fonts)  # same number, same file name: a repeat overwrites, never adds
        with transaction.atomic():  # the flag and the progress move together, so a kill cannot split them
            Certificate.objects.filter(pk=certificate.pk).update(pdf_ready=True)
            CertificateBatch.objects.filter(pk=batch.pk).update(done=F("done") + 1)
    # A resumed batch counts what is really ready (a kill between file and flag re-renders that one file).
    ready = Certificate.objects.filter(registration__event_id=batch.event_id, pdf_ready=True).count()
    CertificateBatch.objects.filter(pk=batch.pk).update(finished_at=timezone.now(), done=min(ready, batch.total))


@task()
def email_certificates(event_id):
    """Send each participant their certificate PDF, once."""
    for certificate in (Certificate.objects.filter(registration__event_id=event_id, pdf_ready=True,
                                                   emailed_at__isnull=True, revoked_at__isnull=True)
                        .select_related("registration__event").iterator(chunk_size=100)):
        registration = certificate.registration
        message = EmailMessage(_("Certificate: %(event)s") % {"event": registration.event.title},
                               _("Your certificate № %(number)s is attached.") % {"number": certificate.number},
                               to=[registration.email])
        message.attach(f"{certificate.number}.pdf", certificate.path.read_bytes(), "application/pdf")
        message.send()
        Certificate.objects.filter(pk=certificate.pk).update(emailed_at=timezone.now())
