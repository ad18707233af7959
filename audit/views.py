from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from accounts.models import Role

from .log import verify_chain
from .models import AuditEvent


@login_required
def audit_log(request):
    """Administrators read the log: who did what to which object, never the personal values."""
    if not request.user.has_role(Role.ADMIN):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor")
    code = request.GET.get("object", "").strip()
    if code:
        events = events.filter(object_code=code)
    return render(request, "audit/log.html", {"events": events[:200], "object": code,
                                              "verified": "verify" in request.GET,
                                              "broken_at": verify_chain() if "verify" in request.GET else None})
