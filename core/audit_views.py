import csv
import io

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Role, User
from audit import log
from audit.labels import describe_action, describe_objects
from audit.log import verify_chain
from audit.models import AuditEvent
from lib import sheets
from lib.files import download
from lib.forms import DateInput, Form


class AuditFilter(Form):
    actor = forms.ModelChoiceField(label=_("User"), queryset=User.objects.order_by("last_name"), required=False,
                                   empty_label=_("any"))
    agency = forms.ModelChoiceField(label=_("Agency"), queryset=Agency.objects.all(), required=False,
                                    empty_label=_("any"))
    object = forms.CharField(label=_("Object code"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("any")), *AuditEvent.Kind.choices])
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].label_from_instance = lambda u: u.short_name

    def apply(self, events):
        if not self.is_valid():
            return events.none()
        d = self.cleaned_data
        if d["actor"]:
            events = events.filter(actor=d["actor"])
        if d["agency"]:
            events = events.filter(actor__memberships__agency=d["agency"]).distinct()
        if d["object"]:
            events = events.filter(object_code=d["object"].strip())
        if d["action"]:
            events = events.filter(action__startswith=d["action"].strip())
        if d["kind"]:
            events = events.filter(kind=d["kind"])
        if d["since"]:
            events = events.filter(at__date__gte=d["since"])
        if d["until"]:
            events = events.filter(at__date__lte=d["until"])
        return events


def _events(request):
    if not request.user.has_role(Role.ADMIN):
        raise PermissionDenied
    form = AuditFilter(request.GET)
    return form, form.apply(AuditEvent.objects.select_related("actor"))


@login_required
def audit_log(request):
    """Administrators read the log: who did what to which object, never the personal values."""
    form, events = _events(request)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("verify", None)
    rows = list(page.object_list)
    names = describe_objects(rows)
    for event in rows:
        event.action_label = describe_action(event.action)
        event.object_label = names.get((event.object_type, event.object_code), "")
    return render(request, "audit/log.html", {
        "form": form, "page": page, "events": rows, "query": query.urlencode(),
        "verified": "verify" in request.GET,
        "broken_at": verify_chain() if "verify" in request.GET else None,
    })


@login_required
def audit_export(request):
    form, events = _events(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "time", "actor", "kind", "action", "action_label", "object_type", "object_code",
                     "fields", "row_hash"])
    for e in events.order_by("id").iterator():
        writer.writerow(sheets.csv_values([e.id, timezone.localtime(e.at).isoformat(),
                                           e.actor.username if e.actor else "", e.kind, e.action,
                                           describe_action(e.action), e.object_type, e.object_code,
                                           " ".join(e.fields), e.row_hash]))
    log.record_export(request.user, request.user, "audit.export")
    return download(buffer.getvalue().encode("utf-8-sig"), "audit.csv")
