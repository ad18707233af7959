"""Personal data, declared where it is defined.

Every model says, in a `personal_data` attribute, which of its fields hold personal data and how retention
clears them, which fields are not personal, and who owns its rows:

    personal_data = PersonalData(
        owner="agreement__case",              # the case (or person) the rows belong to, as a lookup path
        fields={"action": MARK, "responsible": ERASE, "checker": ERASE},
        keep=("deadline",),                   # not personal: statistics and dates of the work
    )

Retention (ops/retention.py) and the data-subject export (people/views.py) are built from these declarations;
tests/test_personal_data.py fails when a text, char, date, file or JSON field of any model is in neither
`fields` nor `keep`, so a new field cannot slip past them. Models of Django and other libraries are declared
below, in EXTERNAL.
"""

import enum
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import models
from django.db.models.functions import TruncYear

# What a cleared text says, so that a reader sees the record was depersonalised rather than empty.
REMOVED = "обезличено"

# The unit of retention is a referral with everything that grew from it (its case, meetings, agreement…);
# the persons it names are cleared with it unless another referral still needs them.
REFERRAL = "referrals.referral"
PERSON = "people.person"


class Rule(enum.Enum):
    ERASE = "erase"  # empty text, empty JSON, no date
    MARK = "mark"  # the text «обезличено»
    YEAR = "year"  # a date keeps its year only (age groups in the statistics stay)


ERASE, MARK, YEAR = Rule.ERASE, Rule.MARK, Rule.YEAR

# The kinds of field that can hold personal data: each must be declared one way or the other.
DECLARED_KINDS = (models.CharField, models.TextField, models.DateField, models.FileField, models.JSONField,
                  models.BinaryField)


@dataclass(frozen=True)
class PersonalData:
    fields: dict = field(default_factory=dict)  # name -> Rule
    keep: tuple = ()  # declared not personal
    owner: str = ""  # lookup path to the row that owns this one (a referral, a person, an expiring row); "pk": itself
    expires: str = ""  # or: a date field; rows older than the retention period are cleared
    staff: bool = False  # or: personal data of an employee, kept while the account exists (not families' data)
    files: str = ""  # an attribute giving the path of a stored file that goes with the row
    others: tuple = ()  # fields with other people's words: left out of a data-subject export
    internal: bool = False  # bookkeeping of the registry itself (matching keys): not shown in an export

    @property
    def personal(self):
        return bool(self.fields or self.files)


# Models of Django and of libraries: declared here because their classes are not ours to edit.
EXTERNAL = {
    "auth.permission": PersonalData(keep=("name", "codename")),
    "auth.group": PersonalData(keep=("name",)),
    "contenttypes.contenttype": PersonalData(keep=("app_label", "model")),
    # A session holds the user's id only and ends by itself (expire_date; `clearsessions` in the daily run).
    "sessions.session": PersonalData(keep=("session_key", "session_data", "expire_date")),
    "django_tasks_database.dbtaskresult": PersonalData(
        expires="enqueued_at",
        fields={"args_kwargs": ERASE, "return_value": ERASE, "traceback": ERASE},
        keep=("status", "enqueued_at", "started_at", "finished_at", "task_path", "worker_ids", "queue_name",
              "backend_name", "run_after", "exception_class_path"),
    ),
}


def declaration(model):
    """The model's declaration, or None when it has none (tests/test_personal_data.py refuses that)."""
    found = model.__dict__.get("personal_data") or getattr(model, "personal_data", None)
    return found if isinstance(found, PersonalData) else EXTERNAL.get(model._meta.label_lower)


def declared_kinds(model):
    """The fields of a model that must be declared."""
    return [f for f in model._meta.concrete_fields if isinstance(f, DECLARED_KINDS) and not f.is_relation]


def problems(model):
    """What is wrong with a model's declaration ([] when it is complete): every text, char, date, file or JSON
    field declared exactly once, rules that fit their fields, and a way for retention to reach personal data."""
    label = model._meta.label
    found = declaration(model)
    if found is None:
        return [f"{label}: no personal_data declaration"]
    names = {f.name for f in declared_kinds(model)}
    declared = set(found.fields) | set(found.keep)
    out = [f"{label}.{n}: neither personal nor kept" for n in sorted(names - declared)]
    out += [f"{label}.{n}: declared but not a field of this kind" for n in sorted(declared - names)]
    out += [f"{label}.{n}: both personal and kept" for n in sorted(set(found.fields) & set(found.keep))]
    for name, rule in found.fields.items():
        f = model._meta.get_field(name) if name in names else None
        if rule is YEAR and not isinstance(f, models.DateField):
            out.append(f"{label}.{name}: YEAR on a field that is not a date")
        if rule is MARK and not isinstance(f, (models.CharField, models.TextField)):
            out.append(f"{label}.{name}: MARK on a field that is not text")
    if found.personal and not (found.owner or found.expires or found.staff or model._meta.label_lower == PERSON):
        out.append(f"{label}: personal data with no way to retention (owner or expires)")
    if found.owner:
        target = target_of(model, found.owner)._meta.label_lower
        owner = declaration(apps.get_model(target))
        if target not in (REFERRAL, PERSON) and not (owner and owner.expires):
            out.append(f"{label}: owned by {target}, which retention never reaches")
    if found.expires and not isinstance(model._meta.get_field(found.expires), models.DateField):
        out.append(f"{label}.{found.expires}: expires by a field that is not a date")
    return out


def target_of(model, path):
    """The model a lookup path from `model` ends at (forward and reverse relations both count)."""
    if path == "pk":
        return model
    for name in path.split("__"):
        relation = model._meta.get_field(name)
        model = relation.related_model
    return model


def owned_by(label):
    """(model, declaration) for every model whose rows belong to rows of the model `label` (itself included)."""
    for model in apps.get_models():
        found = declaration(model)
        if found and found.owner and target_of(model, found.owner)._meta.label_lower == label:
            yield model, found


def rows_of(model, found, owners):
    """The rows of `model` that belong to the owners (a queryset or a list of primary keys)."""
    return model._base_manager.filter(**{f"{found.owner}__in": owners})


def expiring():
    for model in apps.get_models():
        found = declaration(model)
        if found and found.expires and found.personal:
            yield model, found


def cleared_values(model, rules):
    """The UPDATE that applies the rules to a queryset of `model`."""
    values = {}
    for name, rule in rules.items():
        f = model._meta.get_field(name)
        if rule is YEAR:
            values[name] = TruncYear(name, output_field=models.DateField()) if isinstance(f, models.DateField) \
                and not isinstance(f, models.DateTimeField) else None
        elif isinstance(f, models.JSONField):
            values[name] = {} if not f.null else None
        elif isinstance(f, models.BinaryField):
            values[name] = b""
        elif isinstance(f, models.DateField):
            values[name] = None
        elif rule is MARK:
            values[name] = REMOVED[: f.max_length] if f.max_length else REMOVED
        else:
            values[name] = ""
    if any(f.name == "version" for f in model._meta.concrete_fields):
        values["version"] = models.F("version") + 1
    return values


def clear(queryset, found):
    """Clear the declared personal fields (and delete the stored files) of every row of a queryset.
    Returns how many rows."""
    if found.files:
        for row in queryset.iterator():
            Path(getattr(row, found.files)).unlink(missing_ok=True)
    if not found.fields:
        return queryset.count()
    return queryset.update(**cleared_values(queryset.model, found.fields))
