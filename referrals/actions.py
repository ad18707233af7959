"""Every change of a referral. Each runs in one transaction and writes its audit row."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log
from lib.errors import ActionError
from lib.state import check_transition
from people.access import known_to_referrer
from people.models import Person

from .models import Referral, ReferralPerson
from .signals import referral_changed


def _move(referral, target, *, actor, action, fields=()):
    """Lock the row and check the move against the stored status: a double submit cannot move it twice."""
    stored = Referral.objects.select_for_update().filter(pk=referral.pk).values_list("status", flat=True).first()
    if stored:
        referral.status = stored
    check_transition(Referral.TRANSITIONS, Referral.Status.choices, referral.status, target)
    referral.status = target
    referral.save()
    log.record(actor, action, referral, fields=["status", *fields])
    if target != Referral.Status.DRAFT:
        referral_changed.send(sender=Referral, referral=referral, event="referral.status")


def _name_persons(referral, persons, actor):
    """The one check that a referral names someone: the actions calling it are atomic, so a refusal here undoes
    what they wrote before (the referral row, the draft's old persons)."""
    if not persons:
        raise ActionError(_("Name at least one person: the child or a party to the conflict."))
    for person_fields, role in persons:
        person = Person.objects.create(**person_fields)
        # Search before create: a likely earlier record is flagged for the coordinator, who links it.
        known = known_to_referrer(actor, person_fields)
        ReferralPerson.objects.create(referral=referral, person=person, role=role, possibly_known=known)


def _forget_persons(referral):
    """Remove a draft's persons: their records go too unless something else names them."""
    named = list(referral.persons.values_list("person_id", flat=True))
    referral.persons.all().delete()
    Person.objects.filter(pk__in=named, referral_roles__isnull=True, participations__isnull=True).delete()


def _require_own_draft(referral, actor):
    if referral.status != Referral.Status.DRAFT:
        raise ActionError(_("Only a draft can be changed or deleted; a sent referral can be withdrawn."))
    if referral.author_id != actor.pk:
        raise ActionError(_("Only the author of a draft may change or delete it."))


@transaction.atomic
def create_referral(*, actor, agency, service, fields, persons, submit):
    """persons: list of (person field dict, role). submit=False keeps a draft."""
    referral = Referral.objects.create(agency=agency, author=actor, service=service, **fields)
    _name_persons(referral, persons, actor)
    log.record(actor, "referral.create", referral, fields=[*fields, "persons"])
    if submit:
        submit_referral(referral, actor=actor)
    return referral


@transaction.atomic
def submit_referral(referral, *, actor, today: datetime.date | None = None):
    if not referral.representative_consent:
        raise ActionError(_("A referral is sent only with the legal representative's consent."))
    today = today or timezone.localdate()
    referral.submitted_on = today
    days = (referral.service.answer_days if referral.service_id else None) or settings.OPENDOOR_ANSWER_DAYS
    referral.due_date = today + datetime.timedelta(days=days)
    _move(referral, Referral.Status.SUBMITTED, actor=actor, action="referral.submit",
          fields=["submitted_on", "due_date"])


@transaction.atomic
def withdraw_referral(referral, *, actor):
    _move(referral, Referral.Status.WITHDRAWN, actor=actor, action="referral.withdraw")


@transaction.atomic
def decline_referral(referral, *, actor, reason):
    if not reason.strip():
        raise ActionError(_("Give the reason for declining: the referring agency will read it."))
    referral.decline_reason = reason.strip()
    referral.decided_at = referral.answered_at = timezone.now()
    referral.decided_by = actor
    _move(referral, Referral.Status.DECLINED, actor=actor, action="referral.decline",
          fields=["decline_reason", "decided_at", "decided_by"])


@transaction.atomic
def mark_accepted(referral, *, actor):
    """The referral's side of accepting it; the case it opens is cases.actions.accept_referral's."""
    referral.decided_at = timezone.now()
    referral.decided_by = actor
    _move(referral, Referral.Status.ACCEPTED, actor=actor, action="referral.accept",
          fields=["decided_at", "decided_by"])


@transaction.atomic
def update_draft(referral, *, actor, service, fields, persons, submit):
    """The author corrects an unsent draft: its text, service and persons (replaced as a whole)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require_own_draft(referral, actor)
    for name, value in fields.items():
        setattr(referral, name, value)
    referral.service = service
    referral.save()
    _forget_persons(referral)
    _name_persons(referral, persons, actor)
    log.record(actor, "referral.draft.edit", referral, fields=[*fields, "persons"])
    if submit:
        submit_referral(referral, actor=actor)
    return referral


@transaction.atomic
def delete_draft(referral, *, actor):
    """The author deletes an unsent draft with its persons (a draft never reached the service)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _require_own_draft(referral, actor)
    log.record(actor, "referral.draft.delete", referral, fields=["referral", "persons"])
    _forget_persons(referral)
    referral.delete()
