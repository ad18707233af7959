from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Agency, Role
from audit import log
from audit.models import AuditEvent
from lib import rows
from lib.conflicts import NEW, ConflictError, conflict_rows
from lib.errors import ActionError
from lib.files import download
from lib.forms import describe_filters
from lib.views import CappedPaginator, run_action
from referrals.models import ReferralPerson

from . import actions, documents
from .access import can_manage, can_work, cases_visible_to, get_case_for_user
from .forms import (
    AgreementForm,
    AgreementItemFormSet,
    AssignForm,
    AttachmentForm,
    ChildVoiceForm,
    ConflictForm,
    ConsentForm,
    FollowUpForm,
    MeetingForm,
    NetworkMemberForm,
    NotHeldForm,
    ParticipantForm,
    ProgramForm,
    ReportForm,
    ReviewForm,
    ScreeningForm,
)
from .journal import JournalFilter, describe_case_lines, journal_lines, journal_rows
from .models import (
    REPORTABLE_STATES,
    AgreementItem,
    Attachment,
    CaseStatus,
    Consent,
    Meeting,
    NetworkMember,
    OutcomeReport,
    Participant,
    Screening,
)


def _journal(request):
    if not (request.user.has_role(Role.COORDINATOR) or request.user.has_role(Role.FACILITATOR)):
        raise PermissionDenied
    form = JournalFilter(request.GET or None)
    return form, form.apply(cases_visible_to(request.user))


@login_required
def case_list(request):
    """The case journal (журнал регистрации случаев) with filters, as the user may see it."""
    form, cases = _journal(request)
    page = CappedPaginator(journal_lines(cases), 50, counted=cases).get_page(request.GET.get("page"))
    # Facilitators and participants are looked up for this page's fifty cases only.
    describe_case_lines(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "cases/list.html", {"form": form, "page": page, "cases": page.object_list,
                                               "query": query.urlencode(),
                                               "can_import": request.user.has_role(Role.COORDINATOR)})


@login_required
def case_journal_xlsx(request):
    form, cases = _journal(request)
    lines = journal_rows(cases)
    log.record(request.user, "journal.export", request.user.main_agency, fields=sorted(request.GET),
               kind=AuditEvent.Kind.EXPORT)
    services = Agency.objects.filter(pk__in=cases.values("service_id").distinct()).values_list("name", flat=True)
    notes = [", ".join(services), _("Filters: %(filters)s") % {"filters": describe_filters(form)}]
    return download(documents.journal_xlsx(lines, notes), f"journal-{timezone.localdate():%Y-%m-%d}.xlsx")


DOCUMENTS = {
    "report.pdf": (lambda case: hasattr(case, "report"), documents.report_pdf, "otchet"),
    "report.docx": (lambda case: hasattr(case, "report"), documents.report_docx, "pismo"),
    "agreement.pdf": (lambda case: hasattr(case, "agreement"), documents.agreement_pdf, "dogovor"),
    "card.pdf": (lambda case: True, documents.card_pdf, "kartochka"),
}


@login_required
def case_document(request, code, name):
    case = get_case_for_user(request.user, code)
    if name not in DOCUMENTS:
        raise Http404
    available, build, stem = DOCUMENTS[name]
    if not available(case):
        raise Http404
    log.record(request.user, f"document.{name}", case, kind=AuditEvent.Kind.EXPORT)
    extension = name.rsplit(".", 1)[1]
    return download(build(case), f"{stem}-{case.number}-{case.year}.{extension}")


# The lists of a case file: name -> lines(case=<pk>), a queryset the template reads.
CASE_FILE = {
    "screenings": lambda case: Screening.objects.filter(case_id=case).select_related("by"),
    "meetings": lambda case: Meeting.objects.filter(case_id=case).prefetch_related(
        Prefetch("attendees", queryset=Participant.objects.select_related("person"))),
    "attachments": lambda case: Attachment.objects.filter(case_id=case).select_related("uploaded_by"),
}
# Lists that higher floors add to the case page (safety notices, supervision, library stories): each app registers
# its own in its AppConfig.ready(), so the case file never imports the apps built on top of it.
CASE_PAGE_LISTS = {}


def add_case_page_list(name, lines):
    """lines(case=<pk>) → the rows of the list; the case page's template shows it under `name`."""
    CASE_PAGE_LISTS[name] = lines



@login_required
def case_detail(request, code):
    case = get_case_for_user(request.user, code)
    log.record_read(request.user, case)
    # Participants with their consents once: the page lists them and the agreement's sharing depends on them.
    prefetch_related_objects([case], Prefetch(
        "participants", queryset=Participant.objects.select_related("person").prefetch_related("consents")))
    participants = case.participants.all()
    agreement = getattr(case, "agreement", None)
    context = {
        "case": case,
        "referral": case.referral,
        **{name: lines(case=case.pk) for name, lines in {**CASE_FILE, **CASE_PAGE_LISTS}.items()},
        "persons": ReferralPerson.objects.filter(referral_id=case.referral_id).select_related("person"),
        # shown for family conferences only
        "network": NetworkMember.objects.filter(case_id=case.pk) if case.is_family_conference else [],
        "participants": participants,
        "agreement": agreement,
        "items": agreement.items.prefetch_related("followups") if agreement else [],
        "report": getattr(case, "report", None),
        "shareable": case.agreement_shareable(),
        "meeting_kinds": case.meeting_kinds(),
        "can_work": can_work(request.user, case),
        "can_manage": can_manage(request.user, case),
        "reportable": case.status in REPORTABLE_STATES,
        "S": CaseStatus,
    }
    if context["can_work"] and case.is_open:
        context.update(
            network_form=NetworkMemberForm(),
            attachment_form=AttachmentForm(),
            child_voice_form=ChildVoiceForm(initial={"text": case.child_voice}),
            participant_form=ParticipantForm(case=case),
            consent_form=ConsentForm(case=case, initial={"given_on": timezone.localdate()}),
            program_form=ProgramForm(instance=getattr(case, "program", None)),
            not_held_form=NotHeldForm(),
        )
    return render(request, "cases/detail.html", context)



@login_required
@require_http_methods(["GET", "POST"])
def case_assign(request, code):
    case = get_case_for_user(request.user, code, need="manage")
    form = AssignForm(request.POST or None, service=case.service,
                      initial={"facilitators": list(case.facilitators.all())})
    if request.method == "POST" and form.is_valid():
        done = run_action(request, lambda: actions.assign_facilitators(
            case, form.cleaned_data["facilitators"], actor=request.user), _("Facilitators assigned."), form=form)
        if done:
            return redirect("case", code=case.code)
    return render(request, "cases/assign.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_screening(request, code):
    case = get_case_for_user(request.user, code, need="work")
    form = ScreeningForm(request.POST or None, initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_action(request, lambda: actions.record_screening(
            case, actor=request.user, done_on=d["done_on"], answers=form.answers(), outcome=d["outcome"],
            safeguards=d["safeguards"], recheck_on=d["recheck_on"], reason=d["reason"],
            referred_to=d["referred_to"], override_reason=d["override_reason"]),
            _("The safety screening has been recorded."), form=form)
        if done:
            return redirect("case", code=case.code)
    return render(request, "cases/screening.html", {"case": case, "form": form})


@login_required
@require_POST
def case_program(request, code):
    case = get_case_for_user(request.user, code, need="work")
    return _post_form(request, case, ProgramForm(request.POST), lambda d: actions.choose_program(
        case, actor=request.user, kind=d["kind"], shuttle=d["shuttle"]), _("The program kind has been saved."))


@login_required
@require_POST
def case_participant(request, code):
    case = get_case_for_user(request.user, code, need="work")
    form = ParticipantForm(request.POST, case=case)
    return _post_form(request, case, form, lambda d: actions.add_participant(
        case, actor=request.user, person_fields=form.person_fields(), role=d["role"], person=d["person"]),
        _("The participant has been added."))


@login_required
@require_POST
def case_consent(request, code):
    case = get_case_for_user(request.user, code, need="work")
    return _post_form(request, case, ConsentForm(request.POST, case=case), lambda d: actions.record_consent(
        d["participant"], actor=request.user, purpose=d["purpose"], by_representative=d["by_representative"],
        given_on=d["given_on"]), _("The consent has been recorded."))


@login_required
@require_POST
def case_consent_withdraw(request, code, consent_id):
    case = get_case_for_user(request.user, code, need="work")
    consent = get_object_or_404(Consent, pk=consent_id, participant__case=case)
    run_action(request, lambda: actions.withdraw_consent(consent, actor=request.user),
               _("The consent has been marked as withdrawn."))
    return redirect("case", code=case.code)


@login_required
@require_http_methods(["GET", "POST"])
def case_meeting(request, code):
    case = get_case_for_user(request.user, code, need="work")
    kinds = case.meeting_kinds()
    kind = request.GET.get("kind", kinds[0])
    if kind not in kinds:
        kind = kinds[0]
    form = MeetingForm(request.POST or None, case=case, kind=kind,
                       initial={"date": timezone.localdate(), "held": "1"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_action(request, lambda: actions.record_meeting(
            case, actor=request.user, kind=kind, held=d["held"], date=d["date"],
            duration_minutes=d["duration_minutes"], attendees=d["attendees"], notes=d.get("notes", ""),
            network=d.get("network") or ()),
            _("The meeting has been recorded."), form=form)
        if done:
            return redirect("case", code=case.code)
    labels = dict(Meeting.Kind.choices)
    return render(request, "cases/meeting.html", {
        "case": case, "form": form, "kind": kind, "kind_label": labels[kind],
        "kinds": [(k, labels[k]) for k in kinds],
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_conflict(request, code):
    """An assigned facilitator declares a relation to a party (neutrality) and leaves the case."""
    case = get_case_for_user(request.user, code, need="work")
    if not case.facilitators.filter(pk=request.user.pk).exists():
        raise PermissionDenied
    form = ConflictForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_action(request, lambda: actions.declare_conflict(
                case, actor=request.user, facilitator=request.user, person=d["person"], reason=d["reason"]),
                _("The conflict of interest is recorded; the coordinator will assign another facilitator."),
                form=form):
            return redirect("home")
    return render(request, "cases/conflict.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_review(request, code):
    case = get_case_for_user(request.user, code, need="work")
    form = ReviewForm(request.POST or None, case=case, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_action(request, lambda: actions.record_review(
            case, actor=request.user, date=d["date"], decision=d["decision"], attendees=d["attendees"],
            notes=d["notes"], network=d.get("network") or ()), _("The review has been recorded."), form=form)
        if done:
            return redirect("case", code=case.code)
    return render(request, "cases/review.html", {"case": case, "form": form})


@login_required
@require_POST
def case_network(request, code):
    case = get_case_for_user(request.user, code, need="work")
    return _post_form(request, case, NetworkMemberForm(request.POST), lambda d: actions.record_network_member(
        case, actor=request.user, **d), _("The family network has been updated."))


@login_required
@require_POST
def case_child_voice(request, code):
    case = get_case_for_user(request.user, code, need="work")
    return _post_form(request, case, ChildVoiceForm(request.POST), lambda d: actions.record_child_voice(
        case, actor=request.user, text=d["text"]), _("Saved."))


@login_required
@require_POST
def case_not_held(request, code):
    case = get_case_for_user(request.user, code, need="work")
    return _post_form(request, case, NotHeldForm(request.POST), lambda d: actions.mark_not_held(
        case, actor=request.user, reason=d["reason"], comment=d["comment"]), _("The case is marked: program not held."))


@login_required
@require_http_methods(["GET", "POST"])
def case_agreement(request, code):
    """Record the agreement, or revise a family plan after reconvening or the referrer's refusal."""
    case = get_case_for_user(request.user, code, need="work")
    existing = getattr(case, "agreement", None)
    initial = {"concluded_on": timezone.localdate()}
    item_initial = [{}, {}, {}]
    if existing:
        initial.update(text=existing.text, review_on=existing.review_on, version=existing.version)
        # A revision starts from the items agreed so far, with one empty row for a new one.
        item_initial = [*existing.items.values("kind", "action", "responsible", "deadline", "checker"), {}]
    else:
        initial["version"] = NEW
    form = AgreementForm(request.POST or None, case=case, initial=initial)
    items = AgreementItemFormSet(request.POST or None, prefix="items", initial=item_initial)
    if rows.edit_requested(request):
        form, items = rows.unbind(form), rows.edit(items, request)
    elif request.method == "POST" and form.is_valid() and items.is_valid():
        typed = [f.cleaned_data for f in items if not f.is_blank()]
        d = form.cleaned_data
        if existing:
            action = lambda: actions.revise_plan(  # noqa: E731
                case, actor=request.user, concluded_on=d["concluded_on"], text=d["text"], items=typed,
                review_on=d.get("review_on"), expected_version=d.get("version"))
        else:
            action = lambda: actions.record_agreement(  # noqa: E731
                case, actor=request.user, concluded_on=d["concluded_on"], text=d["text"], items=typed,
                review_on=d.get("review_on"), expected_version=d.get("version"))
        if run_action(request, action, _("The agreement has been recorded."), form=form):
            return redirect("case", code=case.code)
    return render(request, "cases/agreement.html", {"case": case, "form": form, "items": items,
                                                    "revising": bool(existing)})


@login_required
@require_http_methods(["GET", "POST"])
def case_followup(request, code, item_id):
    case = get_case_for_user(request.user, code, need="work")
    item = get_object_or_404(AgreementItem, pk=item_id, agreement__case=case)
    form = FollowUpForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = run_action(request, lambda: actions.record_followup(
            item, actor=request.user, result=d["result"], checked_on=d["checked_on"], comment=d["comment"]),
            _("The follow-up has been recorded."), form=form)
        if done:
            return redirect("case", code=case.code)
    return render(request, "cases/followup.html", {"case": case, "item": item, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_report(request, code):
    case = get_case_for_user(request.user, code, need="work")
    report = getattr(case, "report", None)
    initial = {"version": report.version} if report else {**actions.report_defaults(case), "version": NEW}
    form = ReportForm(request.POST or None, instance=report, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {k: form.cleaned_data[k] for k in ReportForm.Meta.fields}
        try:
            with transaction.atomic():
                actions.draft_report(case, actor=request.user, fields=fields,
                                     expected_version=form.cleaned_data.get("version"))
        except ConflictError as error:
            form.add_error(None, str(error))
            conflict = conflict_rows(form, error.current)
            # The next save knowingly replaces the newer version.
            form.data = form.data.copy()
            form.data["version"] = OutcomeReport.objects.get(case=case).version  # a conflict means it exists
        except ActionError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The outcome report has been saved; the coordinator signs it."))
            return redirect("case", code=case.code)
    return render(request, "cases/report.html", {"case": case, "form": form, "conflict": conflict})


@login_required
@require_POST
def case_sign(request, code):
    case = get_case_for_user(request.user, code, need="manage")
    run_action(request, lambda: actions.sign_report(case, actor=request.user),
               _("The report is signed; the referring agency can now read it."))
    return redirect("case", code=case.code)


@login_required
@require_POST
def case_close(request, code):
    case = get_case_for_user(request.user, code, need="manage")
    run_action(request, lambda: actions.close_case(case, actor=request.user), _("The case is closed."))
    return redirect("case", code=case.code)


def _post_form(request, case, form, act, success):
    """A small form posted from the case page: run the action, or say what is wrong; back to the case."""
    if form.is_valid():
        run_action(request, lambda: act(form.cleaned_data), success)
    else:
        _form_errors(request, form)
    return redirect("case", code=case.code)


def _form_errors(request, form):
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


@login_required
@require_POST
def case_attach(request, code):
    case = get_case_for_user(request.user, code, need="work")
    return _post_form(request, case, AttachmentForm(request.POST, request.FILES), lambda d: actions.attach_file(
        case, actor=request.user, upload=d["file"], kind=d["kind"]), _("The file has been attached."))


@login_required
def case_attachment(request, code, attachment_code):
    case = get_case_for_user(request.user, code)
    attachment = get_object_or_404(Attachment, case=case, code=attachment_code)
    if not attachment.path.exists():  # removed with the case's personal data after the retention period
        raise Http404
    log.record(request.user, "case.attachment.read", case, fields=[attachment.code], kind=AuditEvent.Kind.EXPORT)
    response = download(attachment.path.read_bytes(), f"{attachment.code}.{attachment.file_type}")
    # The safe original name goes in the RFC 5987 form, so Cyrillic names survive.
    response["Content-Disposition"] += f"; filename*=UTF-8''{quote(attachment.name)}"
    return response
