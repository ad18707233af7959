"""What the system holds about one person, for a data-subject request (152-ФЗ, art. 14), derived from the model
registry: every record of every model that names the person, and every record of a model that names those —
not a list kept here, so a model added later appears without touching this file (tests/test_personal_data.py).

Fields a model declares as other people's words (`others`: meeting notes, the agency's description) and the
registry's own bookkeeping (`internal`: matching keys) are left out."""

from django.apps import apps
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import personal

from .models import Person


def _links_to(targets):
    """(model, field name) for every concrete FK or M2M that points at one of the target models."""
    for model in apps.get_models():
        found = personal.declaration(model)
        if model is Person or found is None or found.internal:
            continue
        for f in model._meta.get_fields():
            if f.is_relation and not f.auto_created and f.concrete and f.related_model in targets:
                yield model, f


def _show(value):
    if value in (None, "", {}, []):
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if hasattr(value, "hour"):  # a moment: in the service's time zone, as every export
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if timezone.is_aware(value) \
            else value.strftime("%d.%m.%Y %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _row(record, found):
    shown = []
    for f in record._meta.concrete_fields:
        if f.name in found.others or f.primary_key or f.name == "version":
            continue
        if f.is_relation:
            if f.related_model is apps.get_model("accounts", "User"):
                continue  # the staff who did it: their data, not the subject's
            value = getattr(record, f.name)
        elif f.choices:
            value = getattr(record, f"get_{f.name}_display")()
        elif isinstance(f, personal.DECLARED_KINDS) or isinstance(f, (models.BooleanField, models.IntegerField)):
            value = getattr(record, f.name)
        else:
            continue
        label = f.verbose_name
        if f.is_relation and label == f.name.replace("_", " "):  # no label of its own: the related model's
            label = f.related_model._meta.verbose_name
        shown.append((str(label), _show(value)))
    return shown


def _scoped(model, rows, services):
    """Only rows that belong to a sent referral to one of the services (None: no narrowing)."""
    if services is None:
        return rows
    found = personal.declaration(model)
    if not found.owner or personal.target_of(model, found.owner)._meta.label_lower != personal.REFERRAL:
        return rows.none()
    prefix = "" if found.owner == "pk" else found.owner + "__"
    return rows.filter(**{f"{prefix}service_id__in": services}).exclude(**{f"{prefix}status": "draft"})


def records_about(person, services=None):
    """[{"model", "title", "rows": [[(label, value)]]}] for every model holding records about the person;
    with `services`, only what belongs to their referrals and cases (each service sees its own part)."""
    sections, first = [], []
    for model, f in _links_to({Person}):
        rows = list(_scoped(model, model._base_manager.filter(**{f.name: person}), services).distinct())
        first.append((model, rows))
    for model, f in _links_to({m for m, _rows in first}):
        parents = [r.pk for m, rows in first if m is f.related_model for r in rows]
        rows = list(_scoped(model, model._base_manager.filter(**{f"{f.name}__in": parents}), services).distinct())
        first.append((model, rows))
    merged = {}
    for model, rows in first:
        merged.setdefault(model, {}).update({r.pk: r for r in rows})
    for model, rows in merged.items():
        found = personal.declaration(model)
        sections.append({"model": model._meta.label_lower, "title": str(model._meta.verbose_name_plural),
                         "rows": [_row(r, found) for r in rows.values()]})
    return sections
