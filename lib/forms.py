from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validation import MAX_LINE, MAX_TEXT, DateBounds, clean_text, is_birth_field


class DateInput(forms.DateInput):
    """A native date picker; the browser shows дд.мм.гггг in a Russian locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput(), **kwargs)


def not_in_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot be in the future."))
    return value


class InputMixin:
    """The input layer (lib/validation.py) for a form: text cleaned before its field sees it, a length bound on
    every text field, sane bounds on every date. Every form of the project has it (tests/test_boundaries.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            harden(field, name)

    def full_clean(self):
        # Fields a subclass adds in its own __init__, after ours, are covered here.
        for name, field in self.fields.items():
            harden(field, name)
        super().full_clean()


def harden(field, name=""):
    if getattr(field, "_input_layer", False):
        return field
    field._input_layer = True
    if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
        multiline = isinstance(field.widget, forms.Textarea)
        parse = field.to_python
        field.to_python = lambda value, parse=parse, multiline=multiline: parse(clean_text(value, multiline=multiline))
        if field.max_length is None:
            field.max_length = MAX_TEXT if multiline else MAX_LINE
            field.validators.append(MaxLengthValidator(field.max_length))
            field.widget.attrs.setdefault("maxlength", str(field.max_length))
    elif isinstance(field, (forms.DateField, forms.DateTimeField)):
        field.validators.append(DateBounds(birth=is_birth_field(name)))
    return field


class Form(InputMixin, forms.Form):
    pass


class ModelForm(InputMixin, forms.ModelForm):
    pass


def describe_filters(form):
    """«Статус: закрыт; Год: 2026» — the filters a list or an export was made with, as its reader should see them
    (every chosen value by its label); «Без фильтров» when none was used."""
    if not form.is_bound or not form.is_valid():
        return str(_("No filters"))
    parts = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        if hasattr(field, "choices") and not hasattr(value, "pk"):
            value = dict((str(k), v) for k, v in field.choices).get(str(value), value)
        elif hasattr(value, "strftime"):
            value = value.strftime("%d.%m.%Y")
        elif hasattr(field, "label_from_instance"):
            value = field.label_from_instance(value)
        parts.append(f"{field.label}: {value}")
    return "; ".join(parts) if parts else str(_("No filters"))
