from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Role


def navigation(request):
    """Navigation by role: each person sees only the sections their role works in."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    roles = set(user.roles)
    items = [(reverse("home"), _("Start page"))]
    if roles & {Role.REFERRER, Role.COORDINATOR}:
        items.append((reverse("referrals"), _("Referrals")))
    if roles & {Role.COORDINATOR, Role.FACILITATOR}:
        items.append((reverse("cases"), _("Case journal")))
    if Role.COORDINATOR in roles:
        items.append((reverse("registry"), _("Persons")))
        items.append((reverse("service_settings"), _("Service settings")))
    if roles & {Role.REFERRER, Role.COORDINATOR, Role.FACILITATOR}:
        items.append((reverse("safety_notices"), _("Safety notices")))
    if roles & {Role.COORDINATOR, Role.ANALYST}:
        items.append((reverse("monitoring"), _("Monitoring")))
    if roles & {Role.METHODOLOGIST, Role.FACILITATOR, Role.COORDINATOR}:
        items.append((reverse("supervision_list"), _("Supervision")))
    if roles & {Role.METHODOLOGIST, Role.FACILITATOR, Role.COORDINATOR}:
        items.append((reverse("library"), _("Case library")))
    if roles & {Role.METHODOLOGIST, Role.COORDINATOR}:
        items.append((reverse("facilitators"), _("Facilitators")))
    if roles & {Role.METHODOLOGIST, Role.ANALYST}:
        items.append((reverse("network"), _("Network of services")))
    items.append((reverse("knowledge"), _("Knowledge base")))
    if Role.ORGANISER in roles:
        items.append((reverse("events_manage"), _("Events")))
    if Role.ADMIN in roles:
        items.append((reverse("users"), _("Users")))
        items.append((reverse("directory"), _("Directory")))
        items.append((reverse("region_settings"), _("Region settings")))
        items.append((reverse("audit"), _("Audit log")))
        items.append((reverse("api_tokens"), _("API keys")))
    agency = user.acting_agency(request.session)
    choices = list({m.agency_id: m.agency for m in user.memberships_cached}.values())
    unread = user.notifications.filter(read_at__isnull=True).count()
    return {"nav_items": items, "nav_agency": agency, "nav_agencies": choices if len(choices) > 1 else [],
            "nav_roles": [Role(r).label for r in user.roles],
            "nav_unread": unread}
