from django.utils.translation import gettext as _

from .errors import ActionError


class ConflictError(ActionError):
    """Someone saved the record after this form was opened; carries their version to show beside yours."""

    def __init__(self, current):
        super().__init__(_("Someone else changed this record while you were editing it. Compare both versions: "
                           "nothing of yours has been saved yet."))
        self.current = current


# The version a form carries when it was opened before the record existed (the first draft).
NEW = 0


def check_version(instance, expected, fields):
    """Refuse a save unless it starts from the stored version. A missing version is a conflict too: a client that
    does not say what it saw over cannot be allowed to overwrite what someone else wrote."""
    if expected is None or int(expected) != instance.version:
        raise ConflictError({f: getattr(instance, f) for f in fields})


def conflict_rows(form, current):
    """(label, their value, your value) for every field where the two versions differ."""
    rows = []
    for name, theirs in current.items():
        mine = form.cleaned_data.get(name)
        if theirs != mine:
            field = form.fields[name]
            display = dict(getattr(field, "choices", []) or [])
            rows.append((field.label, display.get(theirs, theirs), display.get(mine, mine)))
    return rows
