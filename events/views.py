import tempfile
import zipfile
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from audit import log
from audit.models import AuditEvent
from lib.codes import normalise_check_code
from lib.files import download
from lib.ratelimit import address_over_limit
from lib.views import run_action

from . import actions, exports
from .access import events_of_organiser, get_event_for_organiser, require_organiser
from .certificates import certificate_pdf as render_certificate
from .forms import EventForm, ImportForm, RegistrationForm, RevokeForm, SessionForm
from .models import Certificate, Event, EventSession, Registration
from .tasks import email_certificates

R = Registration.Status


# --- public -----------------------------------------------------------------------------------------------

def public_list(request):
    events = Event.objects.filter(ends_on__gte=timezone.localdate()).order_by("starts_on")
    return render(request, "events/public_list.html", {"events": events})


@require_http_methods(["GET", "POST"])
def public_event(request, code):
    event = get_object_or_404(Event, code=code)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and address_over_limit(request, "register", settings.OPENDOOR_REGISTER_PER_MINUTE):
        form.add_error(None, _("Too many registrations from this address. Try again in a minute."))
    elif request.method == "POST" and form.is_valid():
        registration = run_action(request, lambda: actions.register(
            event, fields=form.registration_fields(), consent=form.cleaned_data["consent"]), "", form=form)
        if registration:
            # The private link goes only to the e-mail: whoever typed the form does not get it.
            messages.success(request, _("Almost done: we have sent a letter to %(email)s. Open the link in it and "
                                        "confirm the registration within %(hours)s hours; until then no place is "
                                        "held.") % {"email": registration.email,
                                                    "hours": settings.OPENDOOR_REGISTRATION_CONFIRM_HOURS})
            return redirect("event", code=event.code)
    return render(request, "events/public_event.html", {
        "event": event, "sessions": event.sessions.all(), "form": form, "consent_text": actions.CONSENT_TEXT,
        "free": max(event.capacity - actions.confirmed_count(event), 0),
    })


@require_http_methods(["GET", "POST"])
def registration(request, code):
    """The participant's private page (the link from the e-mail): status, QR for check-in, cancellation."""
    registration = get_object_or_404(Registration.objects.select_related("event"), code=code)
    if request.method == "POST":
        if "confirm" in request.POST:
            run_action(request, lambda: actions.confirm_registration(registration),
                       _("Your registration is confirmed."))
        else:
            run_action(request, lambda: actions.cancel(registration), _("Your registration has been cancelled."))
        return redirect("registration", code=code)
    checkin = request.build_absolute_uri(reverse("event_checkin", args=[registration.code]))
    return render(request, "events/registration.html", {
        "registration": registration, "qr": segno.make(checkin, error="m").svg_data_uri(scale=5),
    })


def verify(request, number="", check=""):
    """Public verification of one certificate: its number and the check code printed beside it (the QR code
    carries both). Without the code nothing is looked up; a wrong code reads exactly as an unknown number; checks
    are rate limited per address."""
    number = (number or request.GET.get("number", ""))[:40].strip().upper()
    check = normalise_check_code(check or request.GET.get("code", ""))
    context = {"number": number, "check": check}
    if not (number and check):
        return render(request, "events/verify.html", {**context, "ask": True})
    if address_over_limit(request, "verify", settings.OPENDOOR_VERIFY_PER_MINUTE):
        return render(request, "events/verify.html", {**context, "limited": True}, status=429)
    certificate = (Certificate.objects.select_related("registration__event").filter(number=number).first())
    if certificate and not constant_time_compare(certificate.check_code, check):
        certificate = None
    return render(request, "events/verify.html", {**context, "certificate": certificate},
                  status=200 if certificate else 404)


# --- organiser --------------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def manage_list(request):
    require_organiser(request.user)
    form = EventForm(request.POST or None, initial={"capacity": 30, "min_sessions": 1})
    if request.method == "POST" and form.is_valid():
        event = run_action(request, lambda: actions.create_event(
            actor=request.user, form=form, service=request.user.acting_agency(request.session, Role.ORGANISER)),
            _("The event has been created. Add its sessions."), form=form)
        if event:
            return redirect("event_manage", code=event.code)
    events = events_of_organiser(request.user).annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=R.CONFIRMED)),
        waiting=Count("registrations", filter=Q(registrations__status=R.WAITLIST)),
    )
    return render(request, "events/manage_list.html", {"events": events, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def event_manage(request, code):
    event = get_event_for_organiser(request.user, code)
    form = EventForm(request.POST if "save_event" in request.POST else None, instance=event, prefix="e",
                     initial={"version": event.version})
    session_form = SessionForm(request.POST if "add_session" in request.POST else None, prefix="s")
    if form.is_bound and form.is_valid() and run_action(
            request, lambda: actions.edit_event(event, actor=request.user, form=form), _("Saved."), form=form):
        return redirect("event_manage", code=code)
    if session_form.is_bound and session_form.is_valid() and run_action(
            request, lambda: actions.add_session(event, actor=request.user, form=session_form),
            _("The session has been added."), form=session_form):
        return redirect("event_manage", code=code)
    registrations = event.registrations.select_related("agency", "territory", "certificate").annotate(
        sessions=Count("attendance"))
    return render(request, "events/manage.html", {
        "event": event, "form": form, "session_form": session_form, "sessions": event.sessions.all(),
        "registrations": registrations, "batch": event.batches.first(), "import_form": ImportForm(),
        "eligible": actions.eligible(event).count(),
    })


@login_required
@require_POST
def registration_decide(request, code, registration_code):
    event = get_event_for_organiser(request.user, code)
    registration = get_object_or_404(Registration, event=event, code=registration_code)
    approve = request.POST.get("decision") == "approve"
    run_action(request, lambda: actions.decide(registration, actor=request.user, approve=approve),
               _("The registration has been confirmed.") if approve else _("The registration has been rejected."))
    return redirect("event_manage", code=code)


@login_required
@require_http_methods(["GET", "POST"])
def session_attendance(request, code, session_id):
    """A phone page: find a person by name, one tap marks them present (or not)."""
    event = get_event_for_organiser(request.user, code)
    session = get_object_or_404(EventSession, event=event, pk=session_id)
    if request.method == "POST":
        registration = get_object_or_404(Registration, event=event, code=request.POST.get("registration"))
        present = request.POST.get("present") == "1"
        run_action(request, lambda: actions.mark_attendance(registration, session, actor=request.user,
                                                            present=present),
                   _("%(name)s: present.") % {"name": registration.full_name} if present
                   else _("%(name)s: absent.") % {"name": registration.full_name})
        return redirect(f"{request.path}?{urlencode({'q': request.POST.get('q', '')[:100]})}")
    query = request.GET.get("q", "").strip()
    people = event.registrations.filter(status=R.CONFIRMED).order_by("full_name")
    if query:
        # Matched here rather than in SQL: SQLite's LIKE ignores case for Latin letters only.
        people = [p for p in people if query.casefold() in p.full_name.casefold()]
    present = set(session.attendance.values_list("registration_id", flat=True))
    return render(request, "events/attendance.html", {
        "event": event, "session": session, "query": query,
        "people": [(p, p.pk in present) for p in people],
    })


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, registration_code):
    """Opened by the organiser's phone from the QR code in the participant's confirmation."""
    require_organiser(request.user)
    registration = get_object_or_404(Registration.objects.select_related("event"), code=registration_code)
    sessions = registration.event.sessions.all()
    if request.method == "POST":
        session_pk = request.POST.get("session", "")
        if not session_pk.isdecimal():
            raise Http404
        session = get_object_or_404(EventSession, event=registration.event, pk=int(session_pk))
        run_action(request, lambda: actions.mark_attendance(registration, session, actor=request.user),
                   _("%(name)s: present.") % {"name": registration.full_name})
        return redirect("session_attendance", code=registration.event.code, session_id=session.pk)
    now = timezone.now()
    current = min(sessions, key=lambda s: abs((s.starts_at - now).total_seconds()), default=None)
    return render(request, "events/checkin.html", {"registration": registration, "sessions": sessions,
                                                   "current": current})


@login_required
@require_POST
def certificates_issue(request, code):
    event = get_event_for_organiser(request.user, code)
    run_action(request, lambda: actions.issue_certificates(event, actor=request.user),
               _("The certificates are numbered; their PDFs are being prepared."))
    return redirect("event_manage", code=code)


@login_required
def certificate_pdf(request, code, number):
    event = get_event_for_organiser(request.user, code)
    certificate = get_object_or_404(Certificate, registration__event=event, number=number, pdf_ready=True)
    log.record(request.user, "event.certificate.download", certificate.registration, kind=AuditEvent.Kind.EXPORT)
    if certificate.revoked_at:  # made anew with the «ОТОЗВАНО» stamp, never the clean file
        return download(render_certificate(certificate, event.service), f"{certificate.number}-отозвано.pdf")
    return download(certificate.path.read_bytes(), f"{certificate.number}.pdf")


@login_required
def certificates_zip(request, code):
    """All ready PDFs in one ZIP, written to a temporary file one PDF at a time."""
    event = get_event_for_organiser(request.user, code)
    spool = tempfile.TemporaryFile()
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_STORED) as archive:
        # A revoked certificate is never handed out again with the others.
        for certificate in Certificate.objects.filter(registration__event=event, pdf_ready=True,
                                                      revoked_at__isnull=True):
            archive.write(certificate.path, f"{certificate.number}.pdf")
    spool.seek(0)
    log.record(request.user, "event.certificate.zip", event, kind=AuditEvent.Kind.EXPORT)
    return FileResponse(spool, as_attachment=True, filename=f"certificates-{event.code}.zip")


@login_required
@require_POST
def certificates_email(request, code):
    event = get_event_for_organiser(request.user, code)

    email_certificates.enqueue(event_id=event.pk)
    log.record(request.user, "event.certificate.email", event, kind=AuditEvent.Kind.EXPORT)
    messages.success(request, _("The certificates are being sent by e-mail."))
    return redirect("event_manage", code=code)


@login_required
@require_POST
def certificate_revoke(request, code, number):
    event = get_event_for_organiser(request.user, code)
    certificate = get_object_or_404(Certificate, registration__event=event, number=number)
    form = RevokeForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(request, lambda: actions.revoke(certificate, actor=request.user, reason=reason),
               _("The certificate has been revoked."))
    return redirect("event_manage", code=code)


@login_required
def event_export(request, code, name):
    event = get_event_for_organiser(request.user, code)
    builders = {"participants": exports.participants, "attendance": exports.attendance, "report": exports.report}
    if name not in builders:
        raise Http404
    log.record(request.user, f"event.export.{name}", event, kind=AuditEvent.Kind.EXPORT)
    return download(builders[name](event), f"{name}-{event.code}.xlsx")


@login_required
@require_POST
def participants_import(request, code):
    event = get_event_for_organiser(request.user, code)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an XLSX file."))
        return redirect("event_manage", code=code)
    try:
        added, errors = exports.import_participants(event, form.cleaned_data["file"], actor=request.user)
    except exports.ImportError_ as error:
        messages.error(request, str(error))
        return redirect("event_manage", code=code)
    messages.success(request, _("Participants added: %(n)s.") % {"n": added})
    for row, message in errors:
        messages.error(request, _("Row %(row)s: %(message)s") % {"row": row, "message": message})
    return redirect("event_manage", code=code)
