"""Events: registration with a waiting list, attendance, numbered certificates, revocation."""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import site
from audit import log
from lib.conflicts import check_version
from lib.errors import ActionError
from lib.mail import send_email_later

from .models import Attendance, Certificate, CertificateBatch, CertificateCounter, Event, Registration
from .tasks import render_certificates

CONSENT_TEXT = gettext_lazy(
    "I consent to the processing of my personal data (surname, name, patronymic, position, agency, territory, "
    "e-mail, phone) by the reconciliation service «Open Door» for registration, attendance records and "
    "certificates of this event, under Federal Law 152-FZ, until the purpose is achieved or the consent is "
    "withdrawn.")

R = Registration.Status


def confirmed_count(event):
    return event.registrations.filter(status=R.CONFIRMED).count()


def expire_unconfirmed(event=None):
    """Delete public registrations whose e-mail link was not opened in time: they hold no place and their
    personal data was never confirmed by its owner. Returns how many went."""
    limit = timezone.now() - timedelta(hours=settings.OPENDOOR_REGISTRATION_CONFIRM_HOURS)
    stale = Registration.objects.filter(status=R.PENDING, created_at__lt=limit)
    if event is not None:
        stale = stale.filter(event=event)
    count = 0
    for registration in stale:
        log.record(None, "event.register.expired", registration, fields=["status"])
        registration.delete()
        count += 1
    return count


def _place(event):
    return R.CONFIRMED if confirmed_count(event) < event.capacity else R.WAITLIST


@transaction.atomic
def register(event, *, fields, consent, confirmed=False):
    """A registration. From the public form (``confirmed=False``) it waits for its e-mail link to be opened and
    takes no place until then; the organiser's import (``confirmed=True``) is placed at once: confirmed while places
    last, then the waiting list."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event.registration_open:
        raise ActionError(_("Registration for this event is closed."))
    if not consent:
        raise ActionError(_("Registration needs your consent to the processing of personal data."))
    expire_unconfirmed(event)
    if event.registrations.filter(email__iexact=fields["email"]).exclude(status=R.CANCELLED).exists():
        raise ActionError(_("This e-mail is already registered for the event."))
    status = _place(event) if confirmed else R.PENDING
    try:
        with transaction.atomic():
            registration = Registration.objects.create(event=event, status=status, consent_text=str(CONSENT_TEXT),
                                                       **fields)
    except IntegrityError:
        # A cancelled registration with the same e-mail: registering again reopens it.
        registration = event.registrations.get(email__iexact=fields["email"])
        for name, value in fields.items():
            setattr(registration, name, value)
        registration.status, registration.consented_at = status, timezone.now()
        registration.save()
    log.record(None, "event.register", registration, fields=sorted(fields))
    _tell(registration)
    return registration


@transaction.atomic
def confirm_registration(registration):
    """The owner of the e-mail opened the link and pressed «confirm»: now the registration takes a place."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != R.PENDING:
        raise ActionError(_("This registration is already confirmed."))
    limit = timezone.now() - timedelta(hours=settings.OPENDOOR_REGISTRATION_CONFIRM_HOURS)
    if registration.created_at < limit:
        raise ActionError(_("The confirmation link has expired. Register again."))
    registration.status = _place(event)
    registration.save(update_fields=["status"])
    log.record(None, "event.register.confirm", registration, fields=["status"])
    _tell(registration)
    return registration


def _tell(registration):
    url = f"{site.base_url()}{reverse('registration', args=[registration.code])}"
    if registration.status == R.PENDING:
        subject = _("Confirm your registration: %(event)s") % {"event": registration.event.title}
        body = _("Someone (we hope you) registered this address for «%(event)s», %(dates)s. To confirm the "
                 "registration open the link and press «Confirm» within %(hours)s hours: %(url)s\n\nIf it was not "
                 "you, ignore this letter: the registration will be deleted.") % {
            "event": registration.event.title, "dates": registration.event.dates, "url": url,
            "hours": settings.OPENDOOR_REGISTRATION_CONFIRM_HOURS}
    elif registration.status == R.CONFIRMED:
        subject = _("Registration confirmed: %(event)s") % {"event": registration.event.title}
        body = _("You are registered for «%(event)s», %(dates)s. Your registration and the QR code for the "
                 "check-in: %(url)s") % {"event": registration.event.title, "dates": registration.event.dates,
                                         "url": url}
    else:
        subject = _("Waiting list: %(event)s") % {"event": registration.event.title}
        body = _("All places are taken; you are on the waiting list and will get a letter if a place frees "
                 "up: %(url)s") % {"url": url}
    send_email_later(subject, body, [registration.email])


@transaction.atomic
def cancel(registration, *, actor=None):
    if registration.status in {R.CANCELLED, R.REJECTED}:
        raise ActionError(_("This registration is no longer active."))
    freed = registration.status == R.CONFIRMED
    registration.status = R.CANCELLED
    registration.save(update_fields=["status"])
    log.record(actor, "event.cancel", registration, fields=["status"])
    if freed:
        promote(registration.event)


def promote(event):
    """Move the first people of the waiting list up while there are free places."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    free = event.capacity - confirmed_count(event)
    for registration in event.registrations.filter(status=R.WAITLIST).order_by("created_at", "id")[:max(free, 0)]:
        registration.status = R.CONFIRMED
        registration.save(update_fields=["status"])
        log.record(None, "event.promote", registration, fields=["status"])
        _tell(registration)


@transaction.atomic
def decide(registration, *, actor, approve):
    if approve:
        if registration.status != R.WAITLIST and registration.status != R.REJECTED:
            raise ActionError(_("This registration is already confirmed."))
        registration.status = R.CONFIRMED
    else:
        if registration.status == R.REJECTED:
            raise ActionError(_("This registration is already rejected."))
        freed = registration.status == R.CONFIRMED
        registration.status = R.REJECTED
    registration.save(update_fields=["status"])
    log.record(actor, "event.approve" if approve else "event.reject", registration, fields=["status"])
    if not approve and freed:
        promote(registration.event)


@transaction.atomic
def mark_attendance(registration, session, *, actor, present=True):
    if registration.status != R.CONFIRMED:
        raise ActionError(_("Only confirmed participants are marked as present."))
    if session.event_id != registration.event_id:
        raise ActionError(_("This session belongs to another event."))
    if present:
        Attendance.objects.get_or_create(registration=registration, session=session)
    else:
        Attendance.objects.filter(registration=registration, session=session).delete()
    log.record(actor, "event.attendance", registration, fields=["attendance"])


def eligible(event):
    """Confirmed participants who met the attendance rule and have no certificate yet."""
    return (event.registrations.filter(status=R.CONFIRMED, certificate__isnull=True)
            .annotate(sessions=Count("attendance")).filter(sessions__gte=event.min_sessions))


def next_number(year):
    counter, _created = CertificateCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"ОД-{year}-{counter.last:06d}"


@transaction.atomic
def issue_certificates(event, *, actor):
    """Number the certificates now; the PDFs are made by a background task with visible progress."""
    # Numbers follow the order of registration, whatever order the database returns groups in.
    registrations = list(eligible(event).order_by("created_at", "id"))
    if not registrations:
        raise ActionError(_("Nobody new has met the attendance rule yet."))
    year = event.ends_on.year
    for registration in registrations:
        certificate = Certificate.objects.create(number=next_number(year), registration=registration,
                                                 hours=event.training_hours)
        log.record(actor, "event.certificate.issue", registration, fields=[certificate.number])
    batch = CertificateBatch.objects.create(event=event, total=len(registrations))

    transaction.on_commit(lambda: render_certificates.enqueue(batch_id=batch.pk))
    return batch


@transaction.atomic
def revoke(certificate, *, actor, reason):
    if certificate.revoked_at:
        raise ActionError(_("This certificate is already revoked."))
    if not reason.strip():
        raise ActionError(_("Give the reason for revoking the certificate: the verification page shows it."))
    certificate.revoked_at = timezone.now()
    certificate.revoke_reason = reason.strip()
    certificate.save(update_fields=["revoked_at", "revoke_reason"])
    log.record(actor, "event.certificate.revoke", certificate.registration, fields=["revoked_at", "revoke_reason"])


def hours_for(email):
    """Training hours from valid certificates of trainings, for a facilitator's profile."""
    return sum(Certificate.objects.filter(registration__email__iexact=email, revoked_at__isnull=True)
               .exclude(hours=0).values_list("hours", flat=True)) if email else 0


def issued_filter():
    return Q(certificate__isnull=False, certificate__revoked_at__isnull=True)


@transaction.atomic
def create_event(*, actor, form, service):
    """A new event of the organiser's service, from the organiser's form."""
    event = form.save(commit=False)
    event.organiser, event.service = actor, service
    event.save()
    log.record(actor, "event.create", event, fields=sorted(form.changed_data))
    return event


@transaction.atomic
def add_session(event, *, actor, form):
    session = form.save(commit=False)
    session.event = event
    session.save()
    log.record(actor, "event.session", event, fields=["sessions"])
    return session


@transaction.atomic
def edit_event(event, *, actor, form):
    """Save the organiser's edit of an event unless someone saved a newer version since the form was opened."""
    stored = Event.objects.select_for_update().get(pk=event.pk)
    fields = [f for f in form.Meta.fields]
    check_version(stored, form.cleaned_data.get("version"), fields)
    event = form.save(commit=False)
    event.version = stored.version + 1
    event.save()
    log.record(actor, "event.edit", event, fields=sorted(set(form.changed_data) - {"version"}))
    if event.capacity > stored.capacity:
        promote(event)  # places added: the waiting list moves up, as when someone cancels
    return event
