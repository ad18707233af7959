import datetime

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency, Role, Territory
from audit import log
from lib.cache import cached_once
from lib.files import download
from lib.forms import DateInput, Form
from lib.views import run_action

from . import actions, exports
from .forms import IndicatorForm, PeriodForm
from .indicators import table as indicators_table
from .models import Indicator
from .monitoring import Scope, compute, protect
from .protection import fixed_period


def own_service(user):
    """The service whose data the user may see exactly: the one they coordinate (None for everyone else)."""
    services = sorted(user.agency_ids(Role.COORDINATOR))
    return services[0] if services else None


def can_edit_indicators(user):
    """Each service's grant indicators are kept by its own coordinators."""
    return bool(user.agency_ids(Role.COORDINATOR))


def require_monitoring(user):
    if not (user.has_role(Role.COORDINATOR) or user.has_role(Role.ANALYST)):
        raise PermissionDenied


class ScopeForm(Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    end = forms.DateField(label=gettext_lazy("To"), widget=DateInput())
    network = forms.BooleanField(label=gettext_lazy("The whole network (protected figures)"), required=False)
    territory = forms.ModelChoiceField(label=gettext_lazy("Territory"), queryset=Territory.objects.all(),
                                       required=False, empty_label=gettext_lazy("the whole region"))
    agency = forms.ModelChoiceField(label=gettext_lazy("Referring agency"), required=False,
                                    queryset=Agency.objects.exclude(kind=Agency.Kind.RECONCILIATION_SERVICE),
                                    empty_label=gettext_lazy("all agencies"))

    def __init__(self, *args, exact_service=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.exact_service = exact_service
        if exact_service is None:
            del self.fields["network"]  # the analyst sees the network, protected, always

    @property
    def protected(self):
        return self.exact_service is None or bool(self.is_bound and self.is_valid()
                                                  and self.cleaned_data.get("network"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period cannot be before its start."))
        protected = self.exact_service is None or data.get("network")
        if protected and data.get("start") and data.get("end") and not fixed_period(data["start"], data["end"]):
            # Two windows a day apart would tell what happened on that day.
            raise forms.ValidationError(_("Protected figures are given for a calendar month, quarter or year. "
                                          "Choose one of the quick periods or the first and last day of a month."))
        return data


def default_period(today=None):
    today = today or timezone.localdate()
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def quarters(year):
    return [(f"{q} кв. {year}", datetime.date(year, 3 * q - 2, 1),
             (datetime.date(year + (q == 4), (3 * q) % 12 + 1, 1) - datetime.timedelta(days=1)))
            for q in range(1, 5)]


def scope_from(request):
    """(form, scope, label, protected). A coordinator's figures are their own service's, exact; the network's
    (or anyone else's view) are protected and for fixed periods only."""
    start, end = default_period()
    service = own_service(request.user)
    form = ScopeForm(request.GET or None, initial={"start": start, "end": end}, exact_service=service)
    protected = service is None or bool(request.GET.get("protected")) or bool(request.GET.get("network"))
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        territory, agency = d["territory"], d["agency"]
        scope = Scope(d["start"], d["end"], territory.pk if territory else None, agency.pk if agency else None,
                      None if protected else service)
    else:
        territory = agency = None
        scope = Scope(start, end, service_id=None if protected else service)
    label = agency.name if agency else (territory.name if territory else _("the whole region"))
    if scope.service_id:
        label = f"{Agency.objects.get(pk=scope.service_id).name}: {label}"
    return form, scope, label, protected


def cached_compute(scope):
    """Reports are read far more often than the data changes: keep each scope's figures a few minutes in the
    shared cache (OPENDOOR_REPORT_CACHE_SECONDS; 0 turns it off)."""
    seconds = settings.OPENDOOR_REPORT_CACHE_SECONDS
    if not seconds:
        return compute(scope)
    key = f"monitoring:{scope.start}:{scope.end}:{scope.territory_id}:{scope.agency_id}:{scope.service_id}"
    return cached_once(key, lambda: compute(scope), seconds)


def build(request):
    require_monitoring(request.user)
    form, scope, label, protected = scope_from(request)
    report, previous = cached_compute(scope), cached_compute(scope.previous())
    if protected:
        report, previous = protect(report), protect(previous)
    return form, report, previous, label


@login_required
def monitoring(request):
    form, report, previous, label = build(request)
    year = timezone.localdate().year
    context = exports.report_context(report, previous, label)
    context.update(form=form, quarters=quarters(year), year=year, query=request.GET.urlencode())
    return render(request, "reports/monitoring.html", context)


@login_required
def monitoring_export(request, fmt):
    form, report, previous, label = build(request)
    log.record_export(request.user, request.user, f"monitoring.{fmt}")
    name = f"monitoring-{report['scope'].start:%Y%m%d}-{report['scope'].end:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return download(exports.as_xlsx(report, label, previous), name)
    if fmt == "pdf":
        return download(exports.as_pdf(report, previous, label), name)

    return HttpResponse(exports.as_json(report, label, previous), content_type="application/json")


@login_required
def indicators(request):
    require_monitoring(request.user)
    can_edit = can_edit_indicators(request.user)
    own = request.user.agency_ids(Role.COORDINATOR)
    indicator_form = IndicatorForm(request.POST if "add_indicator" in request.POST else None, prefix="i")
    period_form = PeriodForm(request.POST if "add_period" in request.POST else None, prefix="p")
    period_form.fields["indicator"].queryset = Indicator.objects.filter(service_id__in=own)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if indicator_form.is_bound and indicator_form.is_valid() and run_action(request, lambda: actions.add_indicator(
                actor=request.user, form=indicator_form, service_id=own_service(request.user)), _("Saved."),
                form=indicator_form):
            return redirect("indicators")
        if period_form.is_bound and period_form.is_valid() and run_action(request, lambda: actions.add_indicator_period(
                actor=request.user, form=period_form), _("Saved."), form=period_form):
            return redirect("indicators")
    # A coordinator sees their own service's indicators; the analyst every service's, protected.
    items = Indicator.objects.select_related("service").prefetch_related("periods")
    if own:
        items = items.filter(service_id__in=own)
    return render(request, "reports/indicators.html", {
        "rows": indicators_table(items, exact_for=own), "can_edit": can_edit, "indicator_form": indicator_form,
        "period_form": period_form,
    })
