"""One input layer for every way data comes in: forms (lib.forms.Form / ModelForm), the API (api.parsers and
api.serializers) and imports and actions (a pre_save hook over every text field of every model, derived from the
model registry). tests/test_boundaries.py checks that no form or serializer of the project goes around it.

- Control characters, direction overrides and other invisible format characters are removed from text (a tab or a
  line break survives only in multi-line text); lone surrogates are removed (PostgreSQL refuses them).
- Text has a length bound: single lines MAX_LINE, multi-line texts MAX_TEXT unless the field says less.
- Dates lie within sane bounds: from 1900 to a few years ahead; dates of birth not in the future.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 (but tab, LF, CR), DEL and C1; zero-width and direction marks, embeddings, overrides and isolates; word
# joiner and invisible operators; BOM; interlinear annotation; lone surrogates.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f"
                        "\ufeff\ufff9-\ufffb\ud800-\udfff]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
MAX_LINE = 1000
MAX_TEXT = 20_000
EARLIEST = datetime.date(1900, 1, 1)
YEARS_AHEAD = 5


def clean_text(value, *, multiline=True):
    """The text without invisible and control characters; single-line text also without tabs and line breaks."""
    if not isinstance(value, str):
        return value
    value = _LINE_BREAKS.sub("\n", value)
    value = _INVISIBLE.sub("", value)
    if not multiline:
        value = re.sub(r"[\t\n]+", " ", value)
    return value


def latest_date():
    today = timezone.localdate()
    return today.replace(year=today.year + YEARS_AHEAD, day=min(today.day, 28))


def is_birth_field(name):
    return "birth" in (name or "")


@deconstructible
class DateBounds:
    """A date from 1900 to a few years ahead; a date of birth not after today."""

    def __init__(self, birth=False):
        self.birth = birth

    def __call__(self, value):
        if value is None:
            return
        day = value.date() if isinstance(value, datetime.datetime) else value
        latest = timezone.localdate() if self.birth else latest_date()
        if day < EARLIEST:
            raise ValidationError(_("The date cannot be earlier than %(date)s."),
                                  params={"date": EARLIEST.strftime("%d.%m.%Y")}, code="date_too_early")
        if day > latest:
            message = (_("A date of birth cannot be in the future.") if self.birth else
                       _("The date cannot be later than %(date)s."))
            raise ValidationError(message, params={"date": latest.strftime("%d.%m.%Y")}, code="date_too_late")

    def __eq__(self, other):
        return isinstance(other, DateBounds) and other.birth == self.birth


def clean_instance_text(instance):
    """Every text value of a model instance, cleaned in place (the pre_save hook; derived from the model's
    fields, so a new model or field is covered without a list)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                cleaned = clean_text(value, multiline=isinstance(field, models.TextField))
                if cleaned != value:
                    setattr(instance, field.attname, cleaned)
