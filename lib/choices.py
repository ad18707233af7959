"""Labels of a field's choices, translated once per process and language: long lists show them on every row."""

import functools

from django.utils.translation import get_language


@functools.lru_cache(maxsize=512)
def _labels(model, field_name, language):
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def choice_labels(model, field_name):
    """{value: label} of a field's choices in the current language."""
    return _labels(model, field_name, get_language())
