"""Small pieces of the interface rendered in Python: they repeat on every row of long lists, where a template
include per row costs more than the row itself."""

import functools

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag
def status(value, label):
    """A status badge: «<span class="status status-program">программа проводится</span>»."""
    return format_html('<span class="status status-{}">{}</span>', value, label)


@functools.lru_cache(maxsize=512)
def _labels(model, field_name, language):
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def choice_labels(model, field_name):
    """{value: label} of a field's choices in the current language, translated once per process."""
    return _labels(model, field_name, get_language())


@register.filter
def display(obj, field_name):
    """`{{ case|display:"status" }}` is `case.get_status_display`, without re-translating every choice of the
    field on each call (Django's get_FOO_display does, and a 50-row list calls it 200 times)."""
    if obj is None:
        return ""
    value = getattr(obj, field_name)
    return choice_labels(type(obj), field_name).get(value, value)
