from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import DateInput, Form, ModelForm, not_in_future

from .models import Person


class PersonForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Person
        fields = Person.EDITABLE
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["birth_date"].validators.append(not_in_future)


class SearchForm(Form):
    """A registry search: sent by POST, so no name ends up in a URL or a server log."""

    surname = forms.CharField(label=_("Surname"), max_length=100)
    name = forms.CharField(label=_("First name or initial"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Person.Sex.choices], required=False)
