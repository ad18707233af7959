from django import forms
from django.utils.translation import gettext as _

from .errors import ActionError


class ConflictError(ActionError):
    """Someone saved the record after this form was opened; carries their version to show beside yours."""

    def __init__(self, current, version=None):
        super().__init__(_("Someone else changed this record while you were editing it. Compare both versions: "
                           "nothing of yours has been saved yet."))
        self.current = current
        self.version = version  # the stored version: a form that saves again knowingly replaces it


# The version a form carries when it was opened before the record existed (the first draft).
NEW = 0
# What programmatic callers (the demo, imports) pass: they edit nothing someone else has open.
UNCHECKED = object()


def check_version(instance, expected, fields):
    """Refuse a save unless it starts from the stored version. A missing version is a conflict too: a client that
    does not say what it saw over cannot be allowed to overwrite what someone else wrote."""
    if expected is not UNCHECKED:
        check_number(instance.version, expected, {f: getattr(instance, f) for f in fields})


def check_number(stored, expected, current):
    """The same check for a record whose version is counted elsewhere (a document's latest version number)."""
    if expected is UNCHECKED:
        return
    if expected is None or int(expected) != stored:
        raise ConflictError(current, stored)


def check_new(exists, current=None):
    """A first draft (version NEW) conflicts with a record someone created meanwhile."""
    if exists:
        raise ConflictError(current or {}, None)


class VersionFormMixin:
    """A form that carries the version it was opened at (hidden), so that a save over a newer one is refused."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.conflict = None

    def show_conflict(self, error):
        """Keep the user's input, show both versions, and let the next save knowingly replace theirs."""
        self.conflict = conflict_rows(self, error.current)
        if error.version is not None:
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = error.version


def conflict_rows(form, current):
    """(label, their value, your value) for every field where the two versions differ."""
    rows = []
    for name, theirs in current.items():
        mine = form.cleaned_data.get(name)
        if theirs != mine and name in form.fields:
            field = form.fields[name]
            display = dict(getattr(field, "choices", []) or [])
            rows.append((field.label, display.get(theirs, theirs), display.get(mine, mine)))
    return rows
