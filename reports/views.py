import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency, Role, Territory
from audit import log
from lib.cache import cached_once
from lib.files import download
from lib.forms import DateInput, Form

from . import charts, exports
from .forms import IndicatorForm, PeriodForm
from .indicators import table as indicators_table
from .models import Indicator
from .monitoring import BREAKDOWN_LABELS, LABELS, Scope, compute, protect


def exact_figures_allowed(user):
    """The coordinator sees exact figures; the analyst only protected ones."""
    return user.has_role(Role.COORDINATOR)


def check_access(user):
    if not (user.has_role(Role.COORDINATOR) or user.has_role(Role.ANALYST)):
        raise PermissionDenied


class ScopeForm(Form):
    start = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    end = forms.DateField(label=gettext_lazy("To"), widget=DateInput())
    territory = forms.ModelChoiceField(label=gettext_lazy("Territory"), queryset=Territory.objects.all(),
                                       required=False, empty_label=gettext_lazy("the whole region"))
    agency = forms.ModelChoiceField(label=gettext_lazy("Referring agency"), required=False,
                                    queryset=Agency.objects.exclude(kind=Agency.Kind.RECONCILIATION_SERVICE),
                                    empty_label=gettext_lazy("all agencies"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period cannot be before its start."))
        return data


def default_period(today=None):
    today = today or timezone.localdate()
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 31)


def quarters(year):
    return [(f"{q} кв. {year}", datetime.date(year, 3 * q - 2, 1),
             (datetime.date(year + (q == 4), (3 * q) % 12 + 1, 1) - datetime.timedelta(days=1)))
            for q in range(1, 5)]


def scope_from(request):
    start, end = default_period()
    form = ScopeForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        territory, agency = d["territory"], d["agency"]
        scope = Scope(d["start"], d["end"], territory.pk if territory else None, agency.pk if agency else None)
    else:
        territory = agency = None
        scope = Scope(start, end)
    label = agency.name if agency else (territory.name if territory else _("the whole region"))
    return form, scope, label


def cached_compute(scope):
    """Reports are read far more often than the data changes: keep each scope's figures a few minutes in the
    shared cache (OPENDOOR_REPORT_CACHE_SECONDS; 0 turns it off)."""
    seconds = settings.OPENDOOR_REPORT_CACHE_SECONDS
    if not seconds:
        return compute(scope)
    key = f"monitoring:{scope.start}:{scope.end}:{scope.territory_id}:{scope.agency_id}"
    return cached_once(key, lambda: compute(scope), seconds)


def build(request):
    check_access(request.user)
    form, scope, label = scope_from(request)
    report, previous = cached_compute(scope), cached_compute(scope.previous())
    if not exact_figures_allowed(request.user) or request.GET.get("protected"):
        report, previous = protect(report), protect(previous)
    return form, report, previous, label


def report_context(report, previous, label):
    return {
        "service": Agency.main_service(),
        "report": report, "previous": previous, "scope_label": label,
        "figures": [(LABELS[k], report[k], previous[k]) for k in LABELS],
        "breakdowns": [(BREAKDOWN_LABELS[k], report[k], charts.bars(report[k])) for k in BREAKDOWN_LABELS
                       if report[k]],
        "trend_chart": charts.columns(report["trend"], previous["trend"]),
    }


@login_required
def monitoring(request):
    form, report, previous, label = build(request)
    year = timezone.localdate().year
    context = report_context(report, previous, label)
    context.update(form=form, quarters=quarters(year), year=year, query=request.GET.urlencode())
    return render(request, "reports/monitoring.html", context)


@login_required
def monitoring_export(request, fmt):
    form, report, previous, label = build(request)
    log.record_export(request.user, request.user, f"monitoring.{fmt}")
    name = f"monitoring-{report['scope'].start:%Y%m%d}-{report['scope'].end:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return download(exports.as_xlsx(report, label), name)
    if fmt == "pdf":
        return download(exports.as_pdf(report, previous, label), name)
    from django.http import HttpResponse

    return HttpResponse(exports.as_json(report, label), content_type="application/json")


@login_required
def indicators(request):
    check_access(request.user)
    can_edit = request.user.has_role(Role.COORDINATOR)
    indicator_form = IndicatorForm(request.POST if "add_indicator" in request.POST else None, prefix="i")
    period_form = PeriodForm(request.POST if "add_period" in request.POST else None, prefix="p")
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        for form, action in ((indicator_form, "indicator.create"), (period_form, "indicator.period")):
            if form.is_bound and form.is_valid():
                with transaction.atomic():
                    saved = form.save()
                    log.record(request.user, action, saved, fields=sorted(form.changed_data))
                messages.success(request, _("Saved."))
                return redirect("indicators")
    items = Indicator.objects.prefetch_related("periods")
    return render(request, "reports/indicators.html", {
        "rows": indicators_table(items), "can_edit": can_edit, "indicator_form": indicator_form,
        "period_form": period_form,
    })
