from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Role
from audit.models import AuditAnchor
from cases.access import cases_visible_to
from lib.cache import cached_once
from methods import training
from referrals.access import referrals_visible_to
from referrals.lines import family_labels
from reports import charts

from . import actions
from .dashboard import analyst_overview, coordinator_overview, my_cases, panels_for


@login_required
def home(request):
    panels = panels_for(request.user)
    for panel in panels:
        if panel["kind"] == "notification":
            about = subjects(request.user, [n.url for n in panel["rows"]])
            for n in panel["rows"]:
                n.subject = about.get(n.url, "")
    context = {"panels": panels, "today": timezone.localdate()}
    if request.user.has_role(Role.COORDINATOR):
        context["overview"] = coordinator_overview(request.user)
    if request.user.has_role(Role.FACILITATOR):
        context["my_cases"] = my_cases(request.user)
        context["training"] = {"hours": training.training_hours(request.user),
                               "required": training.required_hours(),
                               "refusal": training.solo_refusal(request.user)}
    if request.user.has_role(Role.ADMIN):
        context["last_anchor"] = AuditAnchor.objects.order_by("-at").first()
    if request.user.has_role(Role.ANALYST):
        seconds = settings.OPENDOOR_REPORT_CACHE_SECONDS
        region = cached_once(f"dashboard:region:{timezone.localdate()}", analyst_overview, seconds) \
            if seconds else analyst_overview()
        region["chart"] = charts.bars([(name, n) for name, n, _completed in region["territories"] if n])
        context["region"] = region
    return render(request, "core/home.html", context)


@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"; the detail stays in the server log
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
def notifications(request):
    items = list(request.user.notifications.all()[:100])
    if request.method == "POST":
        actions.mark_notifications_read(request.user)
        return redirect("notifications")
    about = subjects(request.user, [n.url for n in items])
    for n in items:
        n.subject = about.get(n.url, "")
    return render(request, "core/notifications.html", {"items": items})


def subjects(user, urls):
    """{url: «случай № 12/2026 · Смирнов А. О.»} for the referrals and cases the notices link to, as far as the
    reader may see them (notices themselves hold no names: the name is looked up when the reader opens the list)."""
    codes = {"referral": {}, "case": {}}
    for url in set(urls):
        try:
            match = resolve(url.split("?")[0])
        except Resolver404:
            continue
        if match.url_name in codes and "code" in match.kwargs:
            codes[match.url_name][match.kwargs["code"]] = url
    found = {}
    referrals = dict(referrals_visible_to(user).filter(code__in=codes["referral"]).values_list("code", "id"))
    cases = {code: (rid, number, year) for code, rid, number, year in cases_visible_to(user).filter(
        code__in=codes["case"]).values_list("code", "referral_id", "number", "year")}
    families = family_labels([*referrals.values(), *(c[0] for c in cases.values())])
    for code, rid in referrals.items():
        found[codes["referral"][code]] = families.get(rid, "")
    for code, (rid, number, year) in cases.items():
        found[codes["case"][code]] = " · ".join(p for p in (f"№ {number}/{year}", families.get(rid, "")) if p)
    return found
