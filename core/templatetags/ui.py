"""Small pieces of the interface rendered in Python: they repeat on every row of long lists, where a template
include per row costs more than the row itself."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def status(value, label):
    """A status badge: «<span class="status status-program">программа проводится</span>»."""
    return format_html('<span class="status status-{}">{}</span>', value, label)
