"""Facilitators' training: hours recorded by hand plus the system's own trainings, and the regional rule of who
may lead a program alone (OPENDOOR_SOLO_HOURS, 72 by default)."""

from django.conf import settings
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from accounts.models import Role, User
from cases.models import Case
from events.models import Certificate

from .models import FacilitatorProfile, FacilitatorStatus, TrainingRecord


def required_hours():
    return settings.OPENDOOR_SOLO_HOURS


def system_certificates(user):
    """Certificates of the system's own events issued to this person (by their e-mail), not revoked."""
    if not user.email:
        return Certificate.objects.none()
    return Certificate.objects.filter(registration__email__iexact=user.email, revoked_at__isnull=True,
                                      hours__gt=0).select_related("registration__event")


def training_hours(user):
    own = TrainingRecord.objects.filter(user=user).aggregate(n=Sum("hours"))["n"] or 0
    return own + (system_certificates(user).aggregate(n=Sum("hours"))["n"] or 0)


def status_of(user):
    profile = FacilitatorProfile.objects.filter(user=user).first()
    return profile.status if profile else FacilitatorStatus.TRAINEE


def solo_refusal(user):
    """Why this facilitator may not lead a program alone, or None if they may."""
    status = status_of(user)
    hours = training_hours(user)
    if status == FacilitatorStatus.TRAINEE:
        return _("%(name)s is a trainee (%(hours)s of %(required)s training hours)") % {
            "name": user.short_name, "hours": hours, "required": required_hours()}
    if hours < required_hours():
        return _("%(name)s has %(hours)s of the %(required)s training hours the region requires") % {
            "name": user.short_name, "hours": hours, "required": required_hours()}
    return None


def check_team(facilitators):
    """The assignment rule: at least one facilitator of the team must be qualified to lead alone.
    Returns the reason of a refusal, or None."""
    reasons = [solo_refusal(user) for user in facilitators]
    if all(reasons):
        return _("A trainee leads a program only together with a qualified facilitator: %(reasons)s.") % {
            "reasons": "; ".join(reasons)}
    return None


def facilitators_in(service_ids=None):
    users = User.objects.filter(memberships__role=Role.FACILITATOR, is_active=True)
    if service_ids is not None:
        users = users.filter(memberships__agency_id__in=service_ids)
    return users.distinct().order_by("last_name", "first_name")


def profile_rows(users):
    """One row per facilitator: status, hours, supervision attended, programs led by kind — aggregate queries."""
    users = list(users)
    ids = [u.pk for u in users]
    own = dict(TrainingRecord.objects.filter(user_id__in=ids).values_list("user_id").annotate(n=Sum("hours")))
    emails = {u.email.lower(): u.pk for u in users if u.email}
    from_events = {}
    for email, hours in (Certificate.objects.filter(revoked_at__isnull=True, hours__gt=0)
                         .filter(registration__email__in=list(emails)).values_list("registration__email")
                         .annotate(n=Sum("hours"))):
        from_events[emails.get(email.lower())] = from_events.get(emails.get(email.lower()), 0) + hours
    statuses = dict(FacilitatorProfile.objects.filter(user_id__in=ids).values_list("user_id", "status"))
    sessions = dict(User.objects.filter(pk__in=ids).values_list("pk").annotate(n=Count("supervision_sessions")))
    programs = {}
    for user_id, kind, n in (Case.facilitators.through.objects.filter(user_id__in=ids, case__program__isnull=False)
                             .values_list("user_id", "case__program__kind").annotate(n=Count("id"))):
        programs.setdefault(user_id, {})[kind] = n
    labels = dict(FacilitatorStatus.choices)
    rows = []
    for user in users:
        hours = own.get(user.pk, 0) + from_events.get(user.pk, 0)
        status = statuses.get(user.pk, FacilitatorStatus.TRAINEE)
        rows.append({
            "user": user, "status": status,
            "services": ", ".join(m.agency.short_name for m in user.memberships_cached
                                  if m.role == Role.FACILITATOR),
            "status_label": labels[status], "hours": hours,
            "solo": status != FacilitatorStatus.TRAINEE and hours >= required_hours(),
            "sessions": sessions.get(user.pk, 0), "programs": programs.get(user.pk, {}),
            "programs_total": sum(programs.get(user.pk, {}).values()),
        })
    return rows

