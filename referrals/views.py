from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Agency, Role
from audit import log
from audit.models import AuditEvent
from lib import rows
from lib.files import download
from lib.views import CappedPaginator, run_action
from people import registry
from people.access import persons_visible_to, visible_matches
from people.models import Person

from . import actions
from .access import can_refer, get_referral_for_user, referrals_visible_to, shared_agreement
from .forms import PERSON_ROWS, DeclineForm, PersonFormSet, ReferralForm
from .lines import describe_referral_lines, referral_lines
from .models import Referral, SentAnswer


@login_required
def referral_list(request):
    if not (request.user.has_role(Role.REFERRER) or request.user.has_role(Role.COORDINATOR)):
        raise PermissionDenied
    referrals = referrals_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in Referral.Status.values:
        referrals = referrals.filter(status=status)
    page = CappedPaginator(referral_lines(referrals), 50, counted=referrals).get_page(request.GET.get("page"))
    describe_referral_lines(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "referrals/list.html", {
        "referrals": page.object_list, "page": page, "query": query.urlencode(),
        "statuses": Referral.Status.choices,
        "status": status,
        "can_refer": can_refer(request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def referral_new(request):
    if not can_refer(request.user):
        raise PermissionDenied
    agency = request.user.acting_agency(request.session, Role.REFERRER)
    form = ReferralForm(request.POST or None, initial={"service": Agency.serving(agency)})
    persons = PersonFormSet(request.POST or None, prefix="persons", initial=PERSON_ROWS)
    if rows.edit_requested(request):
        form, persons = rows.unbind(form), rows.edit(persons, request)
    elif request.method == "POST" and form.is_valid() and persons.is_valid():
        submit = "submit" in request.POST
        named = [(f.person_fields(), f.cleaned_data["role"]) for f in persons if not f.is_blank()]
        referral = run_action(
            request,
            lambda: actions.create_referral(
                actor=request.user, agency=agency, service=form.cleaned_data["service"] or Agency.serving(agency),
                fields={k: v for k, v in form.cleaned_data.items() if k != "service"}, persons=named, submit=submit,
            ),
            _("The referral has been sent to the service.") if submit else _("The draft has been saved."),
            form=form,
        )
        if referral:
            return redirect("referral", code=referral.code)
    return render(request, "referrals/new.html", {"form": form, "persons": persons, "agency": agency})


def _person_initial(referral):
    rows = []
    for rp in referral.persons.select_related("person"):
        p = rp.person
        rows.append({"role": rp.role, "surname": p.surname, "name": p.name, "patronymic": p.patronymic,
                     "birth_date": p.birth_date, "sex": p.sex, "phone": p.phone, "address": p.address})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def referral_edit(request, code):
    """The author corrects an unsent draft (and may send it from here)."""
    referral = get_referral_for_user(request.user, code, need="refer")
    if referral.status != Referral.Status.DRAFT or referral.author_id != request.user.pk:
        raise PermissionDenied
    initial = {f: getattr(referral, f) for f in ReferralForm.Meta.fields}
    form = ReferralForm(request.POST or None, initial={**initial, "service": referral.service})
    persons = PersonFormSet(request.POST or None, prefix="persons", initial=_person_initial(referral))
    if rows.edit_requested(request):
        form, persons = rows.unbind(form), rows.edit(persons, request)
    elif request.method == "POST" and form.is_valid() and persons.is_valid():
        submit = "submit" in request.POST
        named = [(f.person_fields(), f.cleaned_data["role"]) for f in persons if not f.is_blank()]
        saved = run_action(request, lambda: actions.update_draft(
            referral, actor=request.user, service=form.cleaned_data["service"] or referral.service,
            fields={k: v for k, v in form.cleaned_data.items() if k != "service"}, persons=named, submit=submit),
            _("The referral has been sent to the service.") if submit else _("The draft has been saved."), form=form)
        if saved:
            return redirect("referral", code=referral.code)
    return render(request, "referrals/new.html", {"form": form, "persons": persons, "agency": referral.agency,
                                                  "editing": referral})


@login_required
@require_POST
def referral_delete(request, code):
    referral = get_referral_for_user(request.user, code, need="refer")
    if run_action(request, lambda: actions.delete_draft(referral, actor=request.user),
                  _("The draft has been deleted.")):
        return redirect("referrals")
    return redirect("referral", code=code)


# What the pages of higher floors add to the referral page (the case's stage, the plan decision form): each
# registers fn(request, referral) -> context in its AppConfig.ready(); the referral app never imports them.
REFERRAL_PAGE_PARTS = []


def add_referral_page_part(part):
    if part not in REFERRAL_PAGE_PARTS:
        REFERRAL_PAGE_PARTS.append(part)


@login_required
def referral_detail(request, code):
    referral = get_referral_for_user(request.user, code)
    case = getattr(referral, "case", None)
    answer = SentAnswer.objects.defer("pdf", "docx").filter(referral=referral).first()
    is_coordinator = referral.service_id in request.user.agency_ids(Role.COORDINATOR)
    agreement, agreement_withheld = shared_agreement(case, answer)
    persons = list(referral.persons.select_related("person"))
    if is_coordinator:
        for rp in persons:
            rp.matches = registry_matches(request.user, rp.person)
    context = {
        "agreement": agreement,
        "agreement_items": agreement.items.all() if agreement else [],
        "agreement_withheld": agreement_withheld,
        "referral": referral,
        "persons": persons,
        "case": case,
        "facilitators": case.facilitators.all() if case else [],
        "answer": answer,
        "is_coordinator": is_coordinator,
        "is_referrer": referral.agency_id in request.user.agency_ids(Role.REFERRER),
        "decline_form": DeclineForm(),
    }
    for part in REFERRAL_PAGE_PARTS:
        context.update(part(request, referral))
    return render(request, "referrals/detail.html", context)


def registry_matches(user, person):
    """Earlier registry records this person may duplicate, as far as the coordinator may see them."""
    found = registry.lookup(model_to_dict(person, fields=Person.EDITABLE), exclude=[person.pk],
                            within=persons_visible_to(user))
    return registry.for_display(visible_matches(user, found))


@login_required
def referral_report(request, code, extension):
    """The answer as it was sent to the referring agency, as PDF or as the DOCX letter."""
    referral = get_referral_for_user(request.user, code)
    answer = getattr(referral, "answer", None)
    if answer is None or extension not in ("pdf", "docx") or not getattr(answer, extension):
        raise Http404  # none sent, or cleared by retention
    case = referral.case  # an answer is signed in a case
    log.record(request.user, f"document.report.{extension}", case, kind=AuditEvent.Kind.EXPORT)
    return download(bytes(getattr(answer, extension)), f"otvet-{case.number}-{case.year}.{extension}")


@login_required
@require_POST
def referral_submit(request, code):
    referral = get_referral_for_user(request.user, code, need="refer")
    run_action(request, lambda: actions.submit_referral(referral, actor=request.user),
               _("The referral has been sent to the service."))
    return redirect("referral", code=code)


@login_required
@require_POST
def referral_withdraw(request, code):
    referral = get_referral_for_user(request.user, code, need="refer")
    run_action(request, lambda: actions.withdraw_referral(referral, actor=request.user),
               _("The referral has been withdrawn."))
    return redirect("referral", code=code)


@login_required
@require_POST
def referral_decline(request, code):
    referral = get_referral_for_user(request.user, code, need="decide")
    form = DeclineForm(request.POST)
    if form.is_valid():
        run_action(request, lambda: actions.decline_referral(
            referral, actor=request.user, reason=form.cleaned_data["reason"]),
            _("The referral has been declined; the referring agency sees the reason."))
    else:
        run_action(request, lambda: actions.decline_referral(referral, actor=request.user, reason=""), "")
    return redirect("referral", code=code)
