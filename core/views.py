from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import Role
from lib.cache import cached_once
from reports import charts

from .dashboard import analyst_overview, coordinator_overview, panels_for


@login_required
def home(request):
    context = {"panels": panels_for(request.user), "today": timezone.localdate()}
    if request.user.has_role(Role.COORDINATOR):
        context["overview"] = coordinator_overview(request.user)
    if request.user.has_role(Role.FACILITATOR):
        from methods import training

        context["training"] = {"hours": training.training_hours(request.user),
                               "required": training.required_hours(),
                               "refusal": training.solo_refusal(request.user)}
    if request.user.has_role(Role.ADMIN):
        from audit.models import AuditAnchor

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
        request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notifications")
    return render(request, "core/notifications.html", {"items": items})
