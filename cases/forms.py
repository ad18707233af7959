from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from lib.conflicts import VersionFormMixin
from lib.forms import DateInput, Form, ModelForm, date_field, not_in_future
from lib.rows import growing
from people.models import Person

from .models import (
    AgreementItem,
    Attachment,
    Consent,
    FollowUp,
    Meeting,
    NetworkMember,
    NotHeldReason,
    OutcomeReport,
    Participant,
    Program,
    ReviewDecision,
    Screening,
)


class AssignForm(Form):
    facilitators = forms.ModelMultipleChoiceField(
        label=_("Facilitators"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facilitators"].queryset = User.objects.filter(
            memberships__agency=service, memberships__role=Role.FACILITATOR, is_active=True
        ).order_by("last_name", "first_name")
        self.fields["facilitators"].label_from_instance = lambda u: u.full_name


class ScreeningForm(Form):
    done_on = date_field(_("Date of screening"), validators=[not_in_future])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Screening.Outcome.choices, widget=forms.RadioSelect)
    safeguards = forms.CharField(label=_("Safeguards (for «suitable with safeguards»)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 2}))
    recheck_on = forms.DateField(label=_("Re-check date (for «not suitable now»)"), required=False,
                                 widget=DateInput())
    reason = forms.CharField(label=_("Reason (for «not suitable»)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
    referred_to = forms.CharField(label=_("Referred to"), required=False, max_length=255)
    override_reason = forms.CharField(
        label=_("Coordinator's override: why the program may go ahead despite a red flag"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only the coordinator, only against a red flag; it is audited and shown on the case."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key, question in Screening.QUESTIONS:
            self.fields[f"{key}_answer"] = forms.ChoiceField(
                label=question, choices=Screening.Answer.choices, widget=forms.RadioSelect
            )
            self.fields[f"{key}_source"] = forms.CharField(
                label=_("Source of the answer"), required=False, max_length=255
            )

    def question_rows(self):
        for key, question in Screening.QUESTIONS:
            yield question, self[f"{key}_answer"], self[f"{key}_source"]

    def answers(self):
        return {
            key: {"answer": self.cleaned_data[f"{key}_answer"], "source": self.cleaned_data[f"{key}_source"]}
            for key, _label in Screening.QUESTIONS
        }


class ProgramForm(ModelForm):
    class Meta:
        model = Program
        fields = ["kind", "shuttle"]


class ParticipantForm(Form):
    person = forms.ModelChoiceField(label=_("Person from the referral"), queryset=Person.objects.none(),
                                    required=False, empty_label=_("— a new person —"))
    surname = forms.CharField(label=_("Surname"), max_length=100, required=False)
    name = forms.CharField(label=_("First name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput(),
                                 validators=[not_in_future])
    role = forms.ChoiceField(label=_("Role in the program"), choices=Participant.Role.choices)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.filter(referral_roles__referral=case.referral_id)
        self.fields["person"].label_from_instance = lambda p: p.full_name

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("surname") and data.get("name")):
            raise forms.ValidationError(_("Choose a person from the referral or enter surname and first name."))
        return data

    def person_fields(self):
        return {k: self.cleaned_data[k] for k in ("surname", "name", "patronymic", "birth_date")
                if self.cleaned_data.get(k)}


class ConsentForm(Form):
    participant = forms.ModelChoiceField(label=_("Participant"), queryset=Participant.objects.none())
    purpose = forms.ChoiceField(label=_("Consent"), choices=Consent.Purpose.choices)
    by_representative = forms.BooleanField(label=_("Given by the legal representative of a minor"),
                                           required=False)
    given_on = date_field(_("Given on"), validators=[not_in_future])

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = case.participants.select_related("person")
        self.fields["participant"].label_from_instance = lambda p: p.person.full_name


class MeetingForm(Form):
    """The kind is fixed by the page; private family time gets no notes field at all."""

    held = forms.TypedChoiceField(
        label=_("The meeting"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
        choices=[("1", _("took place")), ("0", _("is planned"))],
    )
    date = date_field(_("Date"))
    duration_minutes = forms.IntegerField(label=_("Duration, minutes"), required=False, min_value=5,
                                          max_value=600)
    attendees = forms.ModelMultipleChoiceField(label=_("Attendees"), queryset=Participant.objects.none(),
                                               required=False, widget=forms.CheckboxSelectMultiple)
    network = forms.ModelMultipleChoiceField(label=_("Members of the family network present"),
                                             queryset=NetworkMember.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Confidential notes (seen only by the service)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, case, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = case.participants.select_related("person")
        self.fields["attendees"].label_from_instance = lambda p: p.person.full_name
        add_network_field(self, case)
        if kind == Meeting.Kind.FAMILY_TIME:
            del self.fields["notes"]


def add_network_field(form, case):
    """The family network's invited members, present at a family conference or review, beside the parties."""
    members = case.network.filter(invited=True, excluded_reason="")
    if not members.exists():
        del form.fields["network"]
        return
    form.fields["network"].queryset = members
    form.fields["network"].label_from_instance = lambda m: f"{m.name} ({m.relation})"


class ReviewForm(Form):
    date = date_field(_("Date of the review meeting"), validators=[not_in_future])
    decision = forms.ChoiceField(label=_("Decision of the review"), choices=ReviewDecision.choices,
                                 widget=forms.RadioSelect)
    attendees = forms.ModelMultipleChoiceField(label=_("Attendees"), queryset=Participant.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)
    network = forms.ModelMultipleChoiceField(label=_("Members of the family network present"),
                                             queryset=NetworkMember.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Confidential notes (seen only by the service)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = case.participants.select_related("person")
        self.fields["attendees"].label_from_instance = lambda p: p.person.full_name
        add_network_field(self, case)


class NetworkMemberForm(Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(label=_("Relation to the child"), max_length=100)
    invited = forms.BooleanField(label=_("Invited to the conference"), required=False, initial=True)
    excluded_reason = forms.CharField(label=_("If not: why they may not attend"), max_length=300, required=False)


class ChildVoiceForm(Form):
    text = forms.CharField(label=_("How the child's voice is heard"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("In person, with a support person, through a letter or a drawing, "
                                       "through an advocate …"))


class NotHeldForm(Form):
    reason = forms.ChoiceField(label=_("Why the program was not held"), choices=NotHeldReason.choices)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AgreementForm(VersionFormMixin, Form):
    concluded_on = date_field(_("Date of the agreement"), validators=[not_in_future])
    text = forms.CharField(label=_("Text of the agreement"), required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))
    review_on = forms.DateField(label=_("Review date (family plan)"), required=False, widget=DateInput(),
                                help_text=_("No later than 6 months for a child under 7, 12 months otherwise."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        if not case.is_family_conference:
            del self.fields["review_on"]
        else:
            self.fields["text"].label = _("The family plan")


class PlanDecisionForm(Form):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("accept", _("accept the plan")), ("refuse", _("refuse the plan"))])
    reason = forms.CharField(label=_("Reasons (required when refusing)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class AgreementItemForm(Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgreementItem.Kind.choices, initial=AgreementItem.Kind.OTHER,
                             required=False)
    action = forms.CharField(label=_("What will be done"), max_length=500, required=False)
    responsible = forms.CharField(label=_("Who does it"), max_length=200, required=False)
    deadline = forms.DateField(label=_("By when"), required=False, widget=DateInput())
    checker = forms.CharField(label=_("Who checks"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if any(data.get(k) for k in ("action", "responsible", "deadline", "checker")):
            for key in ("action", "responsible", "deadline", "checker"):
                if not data.get(key):
                    self.add_error(key, _("Fill in every column of the item."))
        data["kind"] = data.get("kind") or AgreementItem.Kind.OTHER
        return data

    def is_blank(self):
        return not any(self.cleaned_data.get(k) for k in ("action", "responsible", "deadline", "checker"))


AgreementItemFormSet = growing(AgreementItemForm, max_num=40)


class FollowUpForm(Form):
    result = forms.ChoiceField(label=_("Result"), choices=FollowUp.Result.choices)
    checked_on = date_field(_("Checked on"), validators=[not_in_future])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=500)


class ReportForm(ModelForm):
    # The version the user started from: a save over someone else's newer version is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = OutcomeReport
        fields = ["held", "program_kind", "started_on", "finished_on", "minors", "adults", "outcome",
                  "followup_result", "summary"]
        widgets = {"started_on": DateInput(), "finished_on": DateInput(),
                   "summary": forms.Textarea(attrs={"rows": 5})}


class AttachmentForm(Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File (PDF, JPEG, PNG or DOCX)"))


class ConflictForm(Form):
    person = forms.ModelChoiceField(label=_("Related to (if to one person)"), queryset=Person.objects.none(),
                                    required=False)
    reason = forms.CharField(label=_("What the relation is"), max_length=300,
                             help_text=_("For example: a neighbour of the family, a former colleague of the "
                                         "mother, the child's teacher."))

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        ids = set(case.participants.values_list("person_id", flat=True))
        ids |= set(case.referral.persons.values_list("person_id", flat=True))
        self.fields["person"].queryset = Person.objects.filter(pk__in=ids).order_by("surname", "name")
        self.fields["person"].label_from_instance = lambda p: p.full_name
