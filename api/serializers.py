from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Agency, Territory
from cases.models import Agreement, OutcomeReport
from lib.validation import MAX_LINE, DateBounds, is_birth_field
from people.models import Person
from referrals.access import shared_agreement
from referrals.models import Referral, ReferralPerson, Situation


class InputMixin:
    """The input layer (lib/validation.py) for a serializer: sane bounds on every date, a length bound on every
    text. Strings were already cleaned by api.parsers. Every serializer of the API has it (tests/test_boundaries.py)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if field.read_only:
                continue
            if isinstance(field, (serializers.DateField, serializers.DateTimeField)):
                field.validators.append(DateBounds(birth=is_birth_field(name)))
            elif isinstance(field, serializers.CharField) and field.max_length is None:
                field.max_length = MAX_LINE
                field.validators.append(MaxLengthValidator(MAX_LINE))


class Serializer(InputMixin, serializers.Serializer):
    pass


class ModelSerializer(InputMixin, serializers.ModelSerializer):
    pass


class TerritorySerializer(ModelSerializer):
    class Meta:
        model = Territory
        fields = ["id", "name"]


class AgencySerializer(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Agency
        fields = ["id", "short_name", "name", "kind", "kind_label", "territory"]


class PersonInSerializer(Serializer):
    role = serializers.ChoiceField(choices=ReferralPerson.Role.choices)
    surname = serializers.CharField(max_length=100)
    name = serializers.CharField(max_length=100)
    patronymic = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")

    def validate_birth_date(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("The date cannot be in the future."))
        return value


class ReferralInSerializer(Serializer):
    situation = serializers.ChoiceField(choices=Situation.choices)
    description = serializers.CharField(max_length=20_000)
    representative_consent = serializers.BooleanField()
    concerns = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")
    bottom_lines = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")
    questions = serializers.CharField(max_length=5_000, required=False, allow_blank=True, default="")
    persons = PersonInSerializer(many=True, min_length=1, max_length=12)
    submit = serializers.BooleanField(default=True, help_text="false keeps a draft")

    def validate(self, data):
        if data.get("submit", True) and not data.get("representative_consent"):
            raise serializers.ValidationError(
                {"representative_consent": [_("A referral is sent only with the legal representative's consent.")]})
        return data


class PersonOutSerializer(Serializer):
    role = serializers.CharField()
    surname = serializers.CharField(source="person.surname")
    name = serializers.CharField(source="person.name")
    patronymic = serializers.CharField(source="person.patronymic")
    birth_date = serializers.DateField(source="person.birth_date", allow_null=True)


class OutcomeReportSerializer(ModelSerializer):
    outcome_label = serializers.CharField(source="get_outcome_display")
    followup_result_label = serializers.CharField(source="get_followup_result_display")

    class Meta:
        model = OutcomeReport
        fields = ["held", "program_kind", "started_on", "finished_on", "minors", "adults", "outcome",
                  "outcome_label", "followup_result", "followup_result_label", "summary", "signed_at"]


class AgreementSerializer(ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = ["concluded_on", "text", "items"]

    def get_items(self, agreement) -> list[dict]:
        return [{"action": i.action, "responsible": i.responsible, "deadline": i.deadline.isoformat(),
                 "checker": i.checker} for i in agreement.items.all()]


class ReferralSerializer(ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")
    situation_label = serializers.CharField(source="get_situation_display")
    agency = serializers.IntegerField(source="agency_id")
    persons = PersonOutSerializer(many=True)
    outcome_report = serializers.SerializerMethodField()
    agreement = serializers.SerializerMethodField()
    agreement_withheld = serializers.SerializerMethodField(
        help_text="true when an agreement exists but the parties have not consented to share it")

    class Meta:
        model = Referral
        fields = ["code", "status", "status_label", "situation", "situation_label", "agency", "created_at",
                  "submitted_on", "due_date", "decided_at", "decline_reason", "description", "persons",
                  "outcome_report", "agreement", "agreement_withheld"]

    def _shared(self, referral):
        """(signed report, shareable agreement, withheld) — worked out once per referral for the three fields."""
        if not hasattr(referral, "_shared_answer"):
            case = getattr(referral, "case", None)
            report = case.report if case and case.report_signed else None
            referral._shared_answer = (report, *shared_agreement(case, report))
        return referral._shared_answer

    def get_outcome_report(self, referral) -> OutcomeReportSerializer(allow_null=True):
        report = self._shared(referral)[0]
        return OutcomeReportSerializer(report).data if report else None

    def get_agreement(self, referral) -> AgreementSerializer(allow_null=True):
        agreement = self._shared(referral)[1]
        return AgreementSerializer(agreement).data if agreement else None

    def get_agreement_withheld(self, referral) -> bool:
        return self._shared(referral)[2]


class ReferralListSerializer(ModelSerializer):
    status_label = serializers.CharField(source="get_status_display")

    class Meta:
        model = Referral
        fields = ["code", "status", "status_label", "situation", "agency", "submitted_on", "due_date",
                  "decided_at"]


class ChoiceSerializer(Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class DictionariesSerializer(Serializer):
    situations = ChoiceSerializer(many=True)
    referral_statuses = ChoiceSerializer(many=True)
    person_roles = ChoiceSerializer(many=True)
    sexes = ChoiceSerializer(many=True)
    agency_kinds = ChoiceSerializer(many=True)
    program_kinds = ChoiceSerializer(many=True)
    outcomes = ChoiceSerializer(many=True)
    followup_results = ChoiceSerializer(many=True)


class ErrorBodySerializer(Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(required=False)


class ErrorSerializer(Serializer):
    error = ErrorBodySerializer()
