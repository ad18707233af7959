"""/api/v1/: referrals for agency systems, with the access rules of the web pages (referrals/access.py)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, pagination, throttling
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Agency, Role, Territory
from accounts.views import require_admin
from audit import log
from audit.models import AuditEvent
from cases.models import OutcomeReport, ProgramKind
from lib.net import client_address
from lib.views import run_action
from people.models import Person
from referrals import actions
from referrals.access import can_refer, get_referral_for_user, referrals_visible_to
from referrals.models import Referral, ReferralPerson, Situation

from . import serializers, tokens
from .auth import HasScope
from .forms import IssueForm
from .models import ApiToken, WebhookDelivery

ERRORS = {code: OpenApiResponse(serializers.ErrorSerializer, description=text) for code, text in [
    (400, "invalid request (error.code = invalid, error.fields)"), (401, "no or unknown key"),
    (403, "no right"), (404, "not found or not visible"), (429, "rate limit")]}
# The web server itself refuses a request line over 4 KB before the application sees it (HTML body).
ERRORS[414] = OpenApiResponse(description="request line too long (answered by the web server)")


class Pages(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class _AddressMixin:
    def get_ident(self, request):
        # The one proxy-aware helper, not DRF's own reading of X-Forwarded-For.
        return client_address(request) or "unknown"

    def get_rate(self):
        return settings.OPENDOOR_API_RATE


class Throttle(_AddressMixin, throttling.UserRateThrottle):
    scope = "api"


class AnonThrottle(_AddressMixin, throttling.AnonRateThrottle):
    pass


class AuditedView(APIView):
    """Every call leaves an audit row: who, which operation, the answer's status (never the data)."""

    permission_classes = [HasScope]
    throttle_classes = [Throttle, AnonThrottle]
    scope = None

    def required_scope(self, request):
        return self.scope

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
        name = request.resolver_match.url_name if request.resolver_match else "unknown"
        kind = AuditEvent.Kind.READ if request.method in ("GET", "HEAD", "OPTIONS") else AuditEvent.Kind.WRITE
        subject = request.auth if isinstance(getattr(request, "auth", None), ApiToken) else actor
        log.record(actor, f"api.{name}", subject, kind=kind, fields=[request.method, str(response.status_code)])
        return response


@extend_schema_view(get=extend_schema(responses={200: serializers.TerritorySerializer(many=True), **ERRORS}))
class TerritoryList(AuditedView, generics.ListAPIView):
    """Territories (municipal districts) of the region."""

    scope = ApiToken.Scope.DICTIONARIES_READ
    serializer_class = serializers.TerritorySerializer
    queryset = Territory.objects.order_by("name")
    pagination_class = Pages


@extend_schema_view(get=extend_schema(responses={200: serializers.AgencySerializer(many=True), **ERRORS}))
class AgencyList(AuditedView, generics.ListAPIView):
    """Agencies of the prevention system: commissions, guardianship, police units, schools, the service."""

    scope = ApiToken.Scope.DICTIONARIES_READ
    serializer_class = serializers.AgencySerializer
    queryset = Agency.objects.order_by("short_name", "id")
    pagination_class = Pages


def _choices(choices):
    return [{"value": value, "label": str(label)} for value, label in choices]


class Dictionaries(AuditedView):
    """The value lists the other operations use."""

    scope = ApiToken.Scope.DICTIONARIES_READ

    @extend_schema(responses={200: serializers.DictionariesSerializer, **ERRORS})
    def get(self, request):
        return Response({
            "situations": _choices(Situation.choices), "referral_statuses": _choices(Referral.Status.choices),
            "person_roles": _choices(ReferralPerson.Role.choices), "sexes": _choices(Person.Sex.choices),
            "agency_kinds": _choices(Agency.Kind.choices), "program_kinds": _choices(ProgramKind.choices),
            "outcomes": _choices(OutcomeReport.Outcome.choices),
            "followup_results": _choices(OutcomeReport.FollowUpResult.choices),
        })


def _require_referrals(user):
    if not (user.has_role(Role.REFERRER) or user.has_role(Role.COORDINATOR)):
        raise PermissionDenied


@extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("status", enum=Referral.Status.values, required=False)],
                      responses={200: serializers.ReferralListSerializer(many=True), **ERRORS}),
    post=extend_schema(request=serializers.ReferralInSerializer,
                       responses={201: serializers.ReferralSerializer, 409: serializers.ErrorSerializer, **ERRORS}),
)
class ReferralList(AuditedView, generics.ListCreateAPIView):
    """The referrals the caller may see (an agency: its own), and sending a new one."""

    pagination_class = Pages
    serializer_class = serializers.ReferralListSerializer

    def required_scope(self, request):
        return ApiToken.Scope.REFERRALS_WRITE if request.method == "POST" else ApiToken.Scope.REFERRALS_READ

    def get_queryset(self):
        _require_referrals(self.request.user)
        referrals = referrals_visible_to(self.request.user).order_by("-created_at", "-id")
        status = self.request.query_params.get("status")
        if status in Referral.Status.values:
            referrals = referrals.filter(status=status)
        return referrals

    def create(self, request, *args, **kwargs):
        if not can_refer(request.user):
            raise PermissionDenied
        data = serializers.ReferralInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        persons = [({k: v for k, v in p.items() if k != "role" and v is not None}, p["role"])
                   for p in fields.pop("persons")]
        submit = fields.pop("submit")
        agency = Agency.objects.filter(pk__in=request.user.agency_ids(Role.REFERRER)).order_by("pk").first()
        with transaction.atomic():
            referral = actions.create_referral(actor=request.user, agency=agency, service=Agency.serving(agency),
                                               fields=fields, persons=persons, submit=submit)
        referral = Referral.objects.get(pk=referral.pk)
        return Response(serializers.ReferralSerializer(referral).data, status=201)


class ReferralDetail(AuditedView):
    """One referral: status, the service's answer and, once signed, the outcome report."""

    scope = ApiToken.Scope.REFERRALS_READ

    @extend_schema(responses={200: serializers.ReferralSerializer, **ERRORS})
    def get(self, request, code):
        referral = get_referral_for_user(request.user, code)
        log.record_read(request.user, referral, "api.referral.view")
        return Response(serializers.ReferralSerializer(referral).data)


# --- the administrator's page: issuing and revoking keys -----------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def token_list(request):
    require_admin(request)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = run_action(request, lambda: tokens.issue(actor=request.user, **form.cleaned_data),
                            _("The key has been issued. Copy it now: it is not shown again."), form=form)
        if result:
            # Post/redirect/get: a refresh must not issue a second key. The key waits in the session for the
            # one page that shows it, and is gone from there at once.
            token, key = result
            request.session["new_api_key"] = {"key": key, "secret": token.webhook_secret}
            return redirect("api_tokens")
    fresh = request.session.pop("new_api_key", None) if request.method == "GET" else None
    rows = ApiToken.objects.select_related("agency", "created_by").annotate(
        failed=Count("deliveries", filter=Q(deliveries__status=WebhookDelivery.Status.FAILED)))
    response = render(request, "api/tokens.html", {"form": form, "tokens": rows, "fresh": fresh})
    response["Cache-Control"] = "no-store"  # the page may carry a fresh key
    return response


@login_required
@require_POST
def token_revoke(request, pk):
    require_admin(request)
    token = get_object_or_404(ApiToken, pk=pk)
    run_action(request, lambda: tokens.revoke(token, actor=request.user), _("The key has been revoked."))
    return redirect("api_tokens")


@login_required
def token_deliveries(request, pk):
    """The delivery log of one key's notifications."""
    require_admin(request)
    token = get_object_or_404(ApiToken.objects.select_related("agency"), pk=pk)
    return render(request, "api/deliveries.html", {"token": token, "deliveries": token.deliveries.all()[:200]})
