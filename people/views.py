from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from audit import log
from audit.models import AuditEvent
from lib.conflicts import ConflictError, conflict_rows
from lib.files import download
from lib.pdf import render_pdf
from lib.ratelimit import over_limit
from lib.views import CappedPaginator, run_action

from . import actions, registry
from .access import (
    DRAFT,
    can_search_registry,
    can_see_candidates,
    cross_service_candidates,
    get_candidate_for_user,
    get_cross_candidate_for_user,
    get_merge_for_user,
    get_person_for_user,
    known_to_referrer,
    persons_visible_to,
    require_registry,
    services_of,
)
from .forms import PersonForm, SearchForm
from .models import DuplicateCandidate, Person, PersonMerge
from .subject import records_about


def everything_about(person, user):
    """What the viewer's service holds about one person, for the page and a data-subject request (152-ФЗ,
    art. 14): its own referrals and cases only — another service's part of the registry stays with it."""
    services = user.agency_ids(Role.COORDINATOR)
    return {
        "person": person,
        # A record another service's part also holds (from before the registry was divided): its contact
        # details may have been entered there, so they are neither shown nor corrected here.
        "shared": bool(services_of(person) - services),
        "referrals": person.referral_roles.filter(referral__service_id__in=services).exclude(
            referral__status=DRAFT).select_related("referral__agency", "referral__case"),
        "participations": person.participations.filter(case__service_id__in=services).select_related(
            "case").prefetch_related("consents", "meetings"),
        "records": records_about(person, services),
        "printed": timezone.localdate(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request, code):
    person = get_person_for_user(request.user, code)
    log.record_read(request.user, person)
    if services_of(person) - request.user.agency_ids(Role.COORDINATOR):
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "people/detail.html", {**everything_about(person, request.user), "form": None,
                                                      "merges": []})
    form = PersonForm(request.POST or None, instance=person, initial={"version": person.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in Person.EDITABLE}
        try:
            actions.correct_person(person, actor=request.user, fields=fields,
                                   expected_version=form.cleaned_data["version"])
        except ConflictError as error:
            form.add_error(None, str(error))
            conflict = conflict_rows(form, error.current)
            form.data = form.data.copy()
            form.data["version"] = Person.objects.get(pk=person.pk).version
        else:
            messages.success(request, _("The record has been corrected."))
            return redirect("person", code=person.code)
    merges = PersonMerge.objects.filter(kept=person).select_related("merged", "merged_by", "undone_by")
    return render(request, "people/detail.html", {**everything_about(person, request.user), "form": form,
                                                  "conflict": conflict, "merges": merges})


@login_required
def person_export(request, code):
    person = get_person_for_user(request.user, code)
    actions.record_export(request.user, person)
    return download(render_pdf("people/export.html", everything_about(person, request.user)),
                    f"subject-{person.code}.pdf")


@login_required
@require_POST
def person_match(request):
    """Search before create, asked as the user types a person into a referral (POST: names stay out of URLs).

    A referrer learns only whether the service already knows such a person; a coordinator gets the candidates
    visible to them with the reasons.
    """
    if not can_search_registry(request.user):
        raise PermissionDenied
    if over_limit("person-match", request.user.pk, settings.OPENDOOR_MATCH_PER_MINUTE):
        return JsonResponse({"error": _("Too many look-ups in a minute. Wait a little and go on typing.")},
                            status=429)
    form = SearchForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"known": False, "candidates": []})
    if can_see_candidates(request.user):
        # The coordinator matches within the service's own part of the registry and sees why.
        found = registry.lookup(form.cleaned_data, within=persons_visible_to(request.user))
        known = any(item[1] >= registry.matching.THRESHOLD for item in found)
    else:
        found, known = [], known_to_referrer(request.user, form.cleaned_data)
    log.record(request.user, "person.lookup", request.user, kind=AuditEvent.Kind.READ,
               fields=[f"known:{int(known)}"])
    answer = {"known": known}
    if known:
        # No reasons: «the same birth date» would let a sequence of look-ups recover one.
        answer["message"] = _("A person with this name is already known to the service. "
                              "The coordinator will check and link the records; go on filling in the referral.")
    if can_see_candidates(request.user):
        answer["candidates"] = [
            {"code": p.code, "name": p.full_name, "birth_date": p.birth_date and p.birth_date.strftime("%d.%m.%Y"),
             "score": round(score, 2), "reasons": registry.describe(reasons)}
            for p, score, reasons in found
        ]
    return JsonResponse(answer)


@login_required
@require_http_methods(["GET", "POST"])
def registry_view(request):
    """The coordinator's registry: recent persons, and a search that knows Russian names (by POST)."""
    require_registry(request.user)
    form = SearchForm(request.POST or None)
    results = None
    if request.method == "POST" and form.is_valid():
        results = registry.for_display(registry.lookup(form.cleaned_data, limit=20,
                                                       within=persons_visible_to(request.user)))
        log.record(request.user, "person.lookup", request.user, kind=AuditEvent.Kind.READ,
                   fields=[f"found:{len(results)}"])
    recent = persons_visible_to(request.user).filter(merged_into__isnull=True).order_by("-pk")
    page = CappedPaginator(recent, 30).get_page(request.GET.get("page"))
    visible = persons_visible_to(request.user)
    pending = DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.PENDING, first__in=visible,
                                                second__in=visible).count()
    return render(request, "people/registry.html", {"form": form, "results": results, "page": page,
                                                    "pending": pending})


@login_required
def duplicates(request):
    require_registry(request.user)
    visible = persons_visible_to(request.user)
    pending = (DuplicateCandidate.objects.filter(status=DuplicateCandidate.Status.PENDING, first__in=visible,
                                                 second__in=visible).select_related("first", "second"))
    page = CappedPaginator(pending, 20).get_page(request.GET.get("page"))
    pairs = [(c, registry.describe(c.reasons)) for c in page.object_list]
    merges = PersonMerge.objects.filter(kept__in=visible).select_related("kept", "merged", "merged_by")[:20]
    return render(request, "people/duplicates.html", {"pairs": pairs, "page": page, "merges": merges,
                                                      "elsewhere": cross_service_candidates(request.user)})


@login_required
@require_POST
def duplicate_ask(request, pk):
    """Ask the other service about a person it may also know: a notice to its coordinators, no data."""
    candidate, mine, other = get_cross_candidate_for_user(request.user, pk)
    run_action(request, lambda: actions.ask_other_service(mine, other, actor=request.user),
               _("The other service has been asked. Its coordinator will contact you."))
    return redirect("duplicates")


@login_required
@require_POST
def duplicate_decide(request, pk):
    candidate = get_candidate_for_user(request.user, pk)
    decision = request.POST.get("decision")
    if decision == "distinct":
        run_action(request, lambda: actions.mark_distinct(candidate, actor=request.user),
                   _("Marked as different persons."))
    elif decision in ("keep_first", "keep_second"):
        kept, merged = ((candidate.first, candidate.second) if decision == "keep_first"
                        else (candidate.second, candidate.first))
        run_action(request, lambda: actions.merge_persons(kept, merged, actor=request.user),
                   _("The records have been merged. The merge can be undone below."))
    else:
        messages.error(request, _("Choose what to do with the pair."))
    return redirect("duplicates")


@login_required
@require_POST
def merge_undo(request, pk):
    record = get_merge_for_user(request.user, pk)
    run_action(request, lambda: actions.undo_merge(record, actor=request.user), _("The merge has been undone."))
    if request.POST.get("next") == "person":
        return redirect("person", code=record.kept.code)
    return redirect("duplicates")


@login_required
@require_POST
def person_link(request, code):
    """The coordinator links a person named in a referral to the registry record it duplicates."""
    person = get_person_for_user(request.user, code)
    into = get_person_for_user(request.user, request.POST.get("into", ""))
    done = run_action(request, lambda: actions.merge_persons(into, person, actor=request.user),
                      _("The person has been linked to the existing record."))
    referral = request.POST.get("referral", "")
    if referral:
        return redirect("referral", code=referral)
    return redirect("person", code=(into if done else person).code)
