"""Pages of methodological support: supervision, the case library, facilitators, the knowledge base, the network."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Agency, Role, User
from audit import log
from audit.models import AuditEvent
from cases.access import get_case_for_user
from cases.models import Case, OutcomeReport, ProgramKind
from lib.files import download
from lib.pdf import render_pdf
from lib.views import run_action
from reports.protection import shown

from . import access, actions, knowledge, summaries, training
from .forms import (
    CategoryForm,
    DocumentForm,
    KnowledgeSearch,
    LibraryFilter,
    ReturnForm,
    SessionForm,
    StatusForm,
    StoryForm,
    SupervisionForm,
    TrainingForm,
)
from .models import KnowledgeCategory, KnowledgeDocument, LibraryCase, SupervisionRequest, SupervisionSession

# --- supervision ---------------------------------------------------------------------------------


@login_required
def supervision_list(request):
    access.require_role(request.user, {Role.METHODOLOGIST, Role.FACILITATOR, Role.COORDINATOR})
    items = access.requests_visible_to(request.user).order_by("-sent_at", "-created_at")
    sessions = SupervisionSession.objects.filter(
        Q(methodologist=request.user) | Q(participants=request.user) | Q(requests__in=items)).distinct()
    return render(request, "methods/supervision_list.html", {
        "waiting": items.filter(status=SupervisionRequest.Status.SENT),
        "drafts": items.filter(status=SupervisionRequest.Status.DRAFT),
        "discussed": items.filter(status=SupervisionRequest.Status.DISCUSSED)[:100],
        "sessions": sessions.prefetch_related("requests", "participants")[:50],
        "is_methodologist": access.is_methodologist(request.user),
    })


def _supervision_form(request, case, item=None):
    # The facilitator compares the draft with the case: every replacement is shown next to what it replaced.
    review = summaries.draft(case)
    if request.method == "POST":
        form = SupervisionForm(request.POST)
    elif item is not None:
        form = SupervisionForm(initial={"question": item.question, "summary": item.summary, "version": item.version})
    else:
        form = SupervisionForm(initial={"summary": review.text})
    if request.method == "POST" and form.is_valid():
        send = "send" in request.POST
        saved = run_action(request, lambda: actions.save_request(
            case, actor=request.user, question=form.cleaned_data["question"], summary=form.cleaned_data["summary"],
            send=send, item=item, expected_version=form.cleaned_data.get("version") if item else None),
            _("The request has been sent to the methodologist.") if send else _("The draft has been saved."),
            form=form)
        if saved:
            return redirect("supervision", code=saved.code)
    log.record_read(request.user, case, action="supervision.prepare")
    return render(request, "methods/supervision_form.html", {
        "case": case, "form": form, "item": item, "segments": review.segments(), "replaced": len(review.spans)})


@login_required
@require_http_methods(["GET", "POST"])
def supervision_new(request, code):
    case = get_case_for_user(request.user, code, need="work")
    return _supervision_form(request, case)


@login_required
@require_http_methods(["GET", "POST"])
def supervision_edit(request, code):
    item = access.get_request(request.user, code)
    if not access.can_edit_request(request.user, item):
        raise PermissionDenied
    case = get_case_for_user(request.user, item.case.code, need="work")
    return _supervision_form(request, case, item)


@login_required
def supervision(request, code):
    item = access.get_request(request.user, code)
    sees_case = access.can_see_case_of(request.user, item)
    return render(request, "methods/supervision.html", {
        "item": item, "case": item.case if sees_case else None,
        "may_edit": access.can_edit_request(request.user, item),
        "sessions": item.sessions.prefetch_related("participants"),
        "is_methodologist": access.is_methodologist(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request):
    access.require_role(request.user, {Role.METHODOLOGIST})
    waiting = SupervisionRequest.objects.filter(status=SupervisionRequest.Status.SENT).order_by("sent_at")
    initial = {"requests": [r for r in waiting if r.code == request.GET.get("request")]}
    form = SessionForm(request.POST or None, requests=waiting, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        session = run_action(request, lambda: actions.record_session(
            actor=request.user, kind=d["kind"], held_on=d["held_on"], participants=d["participants"],
            requests=d["requests"], recommendations=d["recommendations"]),
            _("The session has been recorded; the facilitators see the recommendations in their cases."), form=form)
        if session:
            return redirect("supervision_list")
    return render(request, "methods/session_form.html", {"form": form})


# --- case library --------------------------------------------------------------------------------

@login_required
def library(request):
    access.require_role(request.user, access.LIBRARY_READERS)
    form = LibraryFilter(request.GET or None)
    items = access.library_visible_to(request.user).filter(status=LibraryCase.Status.PUBLISHED)
    if form.is_valid():
        d = form.cleaned_data
        for field in ("program_kind", "situation", "outcome"):
            if d[field]:
                items = items.filter(**{field: d[field]})
        if d["q"]:
            words = knowledge._WORDS.findall(d["q"])
            for word in words:
                stem = knowledge.lemma(word)[: max(4, len(knowledge.lemma(word)) - 2)]
                items = items.filter(Q(title__icontains=stem) | Q(story__icontains=stem) |
                                     Q(lessons__icontains=stem))
    waiting = access.library_visible_to(request.user).filter(
        Q(status=LibraryCase.Status.PROPOSED, service_id__in=request.user.agency_ids(Role.COORDINATOR)) |
        (Q(status=LibraryCase.Status.APPROVED) if access.is_methodologist(request.user) else Q(pk=None)) |
        Q(proposed_by=request.user, status__in=[LibraryCase.Status.PROPOSED, LibraryCase.Status.APPROVED,
                                                 LibraryCase.Status.RETURNED]))
    return render(request, "methods/library.html", {"form": form, "items": items[:200], "waiting": waiting})


@login_required
@require_http_methods(["GET", "POST"])
def library_propose(request, code):
    case = get_case_for_user(request.user, code, need="work")
    report = OutcomeReport.objects.filter(case=case).first()
    review = summaries.draft(case)
    if request.method == "POST":
        form = StoryForm(request.POST)
    else:
        form = StoryForm(initial={"story": review.text, "outcome": report.outcome if report else ""})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        item = run_action(request, lambda: actions.propose_story(
            case, actor=request.user, title=d["title"], story=d["story"], lessons=d["lessons"], outcome=d["outcome"],
            consent=d["consent"]), _("The story has been proposed; the coordinator decides on it."), form=form)
        if item:
            return redirect("library_case", code=item.code)
    log.record_read(request.user, case, action="library.prepare")
    return render(request, "methods/story_form.html", {"case": case, "form": form, "segments": review.segments(),
                                                       "replaced": len(review.spans)})


@login_required
@require_http_methods(["GET", "POST"])
def library_case(request, code):
    item = access.get_library_case(request.user, code)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision == "approve" and access.can_approve_story(request.user, item):
            run_action(request, lambda: actions.approve_story(item, actor=request.user),
                       _("Approved: the methodologist can publish the story."))
        elif decision == "publish" and access.can_publish_story(request.user, item):
            run_action(request, lambda: actions.publish_story(item, actor=request.user),
                       _("The story is published in the region's library."))
        elif decision == "return" and (access.can_approve_story(request.user, item) or
                                       access.can_publish_story(request.user, item)):
            form = ReturnForm(request.POST)
            if form.is_valid():
                run_action(request, lambda: actions.return_story(item, actor=request.user,
                                                                 reason=form.cleaned_data["reason"]),
                           _("The story has been returned to the facilitator."))
        else:
            raise PermissionDenied
        return redirect("library_case", code=item.code)
    return render(request, "methods/library_case.html", {
        "item": item, "can_approve_story": access.can_approve_story(request.user, item),
        "can_publish_story": access.can_publish_story(request.user, item), "return_form": ReturnForm()})


@login_required
def library_pdf(request, code):
    item = access.get_library_case(request.user, code)
    log.record(request.user, "library.pdf", item, kind=AuditEvent.Kind.EXPORT)
    pdf = render_pdf("methods/library_case.pdf.html", {"item": item, "today": timezone.localdate()})
    return download(pdf, f"keys-{item.code}.pdf")


# --- facilitators and the network ----------------------------------------------------------------

@login_required
def facilitators(request):
    access.require_role(request.user, {Role.METHODOLOGIST, Role.COORDINATOR})
    scope = access.facilitators_visible_to(request.user)
    rows = training.profile_rows(training.facilitators_in(scope))
    return render(request, "methods/facilitators.html", {
        "rows": rows, "required": training.required_hours(), "kinds": ProgramKind.choices})


@login_required
@require_http_methods(["GET", "POST"])
def facilitator(request, pk):
    person = get_object_or_404(User.objects.filter(memberships__role=Role.FACILITATOR).distinct(), pk=pk)
    if not access.can_see_profile(request.user, person):
        raise Http404
    may_record = access.can_record_training(request.user, person)
    training_form = TrainingForm(request.POST if "course" in request.POST else None)
    status_form = StatusForm(request.POST if "status" in request.POST else None,
                             initial={"status": training.status_of(person)})
    if request.method == "POST":
        if not may_record or ("status" in request.POST and not access.is_methodologist(request.user)):
            raise PermissionDenied
        if "status" in request.POST and status_form.is_valid():
            run_action(request, lambda: actions.set_status(person, actor=request.user,
                                                           status=status_form.cleaned_data["status"]),
                       _("The status has been changed."))
            return redirect("facilitator", pk=person.pk)
        if "course" in request.POST and training_form.is_valid():
            d = training_form.cleaned_data
            done = run_action(request, lambda: actions.add_training(person, actor=request.user, **d),
                              _("The training has been recorded."), form=training_form)
            if done:
                return redirect("facilitator", pk=person.pk)
    row = training.profile_rows([person])[0]
    return render(request, "methods/facilitator.html", {
        "person": person, "row": row, "records": person.training_records.all(),
        "certificates": training.system_certificates(person).order_by("-issued_at"),
        "sessions": person.supervision_sessions.all()[:50], "required": training.required_hours(),
        "refusal": training.solo_refusal(person), "may_record": may_record,
        "may_set_status": access.is_methodologist(request.user), "training_form": training_form,
        "status_form": status_form, "kinds": dict(ProgramKind.choices),
    })


@login_required
def network(request):
    """The region's services at a glance: staff, programs and outcomes in aggregate, no family's data."""
    access.require_role(request.user, {Role.METHODOLOGIST, Role.ANALYST})
    year = timezone.localdate().year
    services = Agency.objects.filter(kind=Agency.Kind.RECONCILIATION_SERVICE).select_related("territory")
    staff = dict(Agency.objects.filter(kind=Agency.Kind.RECONCILIATION_SERVICE).values_list("pk").annotate(
        n=Count("memberships__user", filter=Q(memberships__role=Role.FACILITATOR), distinct=True)))
    cases = {row["service_id"]: row for row in Case.objects.filter(year=year).values("service_id").annotate(
        total=Count("id"), programs=Count("program"),
        reported=Count("id", filter=Q(report__signed_at__isnull=False)),
        agreements=Count("id", filter=Q(report__outcome=OutcomeReport.Outcome.AGREEMENT)))}
    kinds = {}
    for service_id, kind, n in (Case.objects.filter(year=year, program__isnull=False)
                                .values_list("service_id", "program__kind").annotate(n=Count("id"))):
        kinds.setdefault(service_id, {})[kind] = n
    supervision = dict(SupervisionRequest.objects.exclude(status=SupervisionRequest.Status.DRAFT)
                       .filter(created_at__year=year).values_list("case__service_id").annotate(n=Count("id")))
    # Counts of cases leave the service: protected as every published count about families (0–4 is «<5»,
    # the rest rounded to 5: reports/protection.py). Facilitators are staff, shown as they are.
    figures = ("total", "programs", "reported", "agreements")
    rows = [{"service": s, "facilitators": staff.get(s.pk, 0),
             "cases": {k: shown(cases.get(s.pk, {}).get(k, 0)) for k in figures},
             "kinds": {k: shown(kinds.get(s.pk, {}).get(k, 0)) for k, _label in ProgramKind.choices},
             "supervision": shown(supervision.get(s.pk, 0))} for s in services]
    roles = set(request.user.roles)
    # Only links the reader may open: the analyst reads neither the facilitators' profiles nor the library.
    links = {"facilitators": bool(roles & {Role.METHODOLOGIST, Role.COORDINATOR}),
             "library": bool(roles & access.LIBRARY_READERS)}
    return render(request, "methods/network.html", {"rows": rows, "year": year, "kinds": ProgramKind.choices,
                                                    "links": links})


# --- knowledge base ------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def knowledge_list(request):
    if not access.can_read_knowledge(request.user):
        raise PermissionDenied
    may_edit = access.can_edit_knowledge(request.user)
    category_form = CategoryForm(request.POST if may_edit and request.method == "POST" else None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if category_form.is_valid() and run_action(request, lambda: actions.add_knowledge_category(
                actor=request.user, name=category_form.cleaned_data["name"]), None, form=category_form):
            return redirect("knowledge")
    form = KnowledgeSearch(request.GET or None)
    found = []
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"]
        found = knowledge.search(query, form.cleaned_data["category"])
    else:
        found = knowledge.search("")
    return render(request, "methods/knowledge.html", {
        "form": form, "found": found, "query": query, "may_edit": may_edit, "category_form": category_form,
        "categories": KnowledgeCategory.objects.annotate(n=Count("documents"))})


def _document_form(request, document=None):
    if not access.can_edit_knowledge(request.user):
        raise PermissionDenied
    current = document.current if document else None
    initial = {"category": document.category, "title": document.title, "body": current.body,
               "version": current.number} if document else {}
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved = run_action(request, lambda: actions.save_document(
            actor=request.user, category=d["category"], title=d["title"], body=d["body"], note=d["note"],
            upload=d["file"], document=document, expected_version=d.get("version") if document else None),
            _("The document has been saved."), form=form)
        if saved:
            return redirect("knowledge_doc", code=saved.code)
    return render(request, "methods/document_form.html", {"form": form, "document": document})


@login_required
@require_http_methods(["GET", "POST"])
def knowledge_new(request):
    return _document_form(request)


@login_required
@require_http_methods(["GET", "POST"])
def knowledge_edit(request, code):
    return _document_form(request, get_object_or_404(KnowledgeDocument, code=code))


@login_required
def knowledge_doc(request, code):
    if not access.can_read_knowledge(request.user):
        raise PermissionDenied
    document = get_object_or_404(KnowledgeDocument.objects.select_related("category"), code=code)
    versions = list(document.versions.select_related("created_by"))
    shown = versions[0]
    if request.GET.get("v", "").isdecimal() and len(request.GET["v"]) < 7:
        shown = next((v for v in versions if v.number == int(request.GET["v"])), None) or shown
    return render(request, "methods/knowledge_doc.html", {
        "document": document, "versions": versions, "shown": shown,
        "may_edit": access.can_edit_knowledge(request.user)})


@login_required
def knowledge_file(request, code, number):
    if not access.can_read_knowledge(request.user):
        raise PermissionDenied
    document = get_object_or_404(KnowledgeDocument, code=code)
    version = get_object_or_404(document.versions, number=number)
    if not version.file_stored or not version.path.exists():
        raise Http404
    return download(version.path.read_bytes(), f"document-{document.code}-v{version.number}.{version.file_type}")
