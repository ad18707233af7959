from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from cases.models import OutcomeReport, ProgramKind
from lib.conflicts import VersionFormMixin
from lib.forms import DateInput, Form
from referrals.models import Situation

from .models import FacilitatorStatus, KnowledgeCategory, SupervisionRequest, SupervisionSession


class SupervisionForm(VersionFormMixin, Form):
    question = forms.CharField(label=_("What would you like to discuss?"), widget=forms.Textarea(attrs={"rows": 3}),
                               max_length=4000)
    summary = forms.CharField(
        label=_("Depersonalised summary (check every replacement and correct what the system missed)"),
        widget=forms.Textarea(attrs={"rows": 16}), max_length=30000)


class SessionForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SupervisionSession.Kind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    requests = forms.ModelMultipleChoiceField(label=_("Cases discussed"), queryset=SupervisionRequest.objects.none(),
                                              widget=forms.CheckboxSelectMultiple)
    participants = forms.ModelMultipleChoiceField(label=_("Participants"), queryset=User.objects.none(),
                                                  widget=forms.CheckboxSelectMultiple, required=False)
    recommendations = forms.CharField(label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 8}),
                                      max_length=20000)

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requests"].queryset = requests
        self.fields["requests"].label_from_instance = lambda r: "{} · {} · {}".format(
            r.get_program_kind_display() or "—", r.get_situation_display(), r.question[:120])
        self.fields["participants"].queryset = User.objects.filter(
            memberships__role=Role.FACILITATOR, is_active=True).distinct().order_by("last_name", "first_name")
        self.fields["participants"].label_from_instance = lambda u: u.full_name


class StoryForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    story = forms.CharField(label=_("Depersonalised story"), widget=forms.Textarea(attrs={"rows": 16}),
                            max_length=30000)
    lessons = forms.CharField(label=_("What others can learn from it"), widget=forms.Textarea(attrs={"rows": 4}),
                              required=False, max_length=10000)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *OutcomeReport.Outcome.choices],
                                required=False)
    consent = forms.BooleanField(label=_("I, the facilitator of the case, agree that this depersonalised story is "
                                         "shared with the region's services"), required=True)


class ReturnForm(Form):
    reason = forms.CharField(label=_("Why it is returned"), widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class LibraryFilter(Form):
    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    program_kind = forms.ChoiceField(label=_("Program kind"), choices=[("", _("any")), *ProgramKind.choices],
                                     required=False)
    situation = forms.ChoiceField(label=_("Situation type"), choices=[("", _("any")), *Situation.choices],
                                  required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", _("any")), *OutcomeReport.Outcome.choices],
                                required=False)


class TrainingForm(Form):
    course = forms.CharField(label=_("Course"), max_length=300)
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=2000)
    provider = forms.CharField(label=_("Provider"), max_length=300)
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=60, required=False)
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput)


class StatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=FacilitatorStatus.choices)


class DocumentForm(VersionFormMixin, Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=KnowledgeCategory.objects.all())
    title = forms.CharField(label=_("Title"), max_length=300)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), required=False,
                           max_length=200000)
    file = forms.FileField(label=_("File (PDF, DOCX or TXT)"), required=False)
    note = forms.CharField(label=_("What changed in this version"), max_length=300, required=False)


class CategoryForm(Form):
    name = forms.CharField(label=_("New category"), max_length=200)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if KnowledgeCategory.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("This category already exists."))
        return name


class KnowledgeSearch(Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ModelChoiceField(label=_("Category"), queryset=KnowledgeCategory.objects.all(),
                                      required=False, empty_label=_("all categories"))
