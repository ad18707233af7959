"""Small pieces of the interface rendered in Python: they repeat on every row of long lists, where a template
include per row costs more than the row itself."""

from django import template
from django.utils.html import format_html

from lib.choices import choice_labels

register = template.Library()


@register.simple_tag
def status(value, label):
    """A status badge: «<span class="status status-program">программа проводится</span>»."""
    return format_html('<span class="status status-{}">{}</span>', value, label)


@register.filter
def display(obj, field_name):
    """`{{ case|display:"status" }}` is `case.get_status_display`, without re-translating every choice of the
    field on each call (Django's get_FOO_display does, and a 50-row list calls it 200 times)."""
    if obj is None:
        return ""
    value = getattr(obj, field_name)
    return choice_labels(type(obj), field_name).get(value, value)
