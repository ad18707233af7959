"""The directory pages: the administrator keeps territories, agencies and services of the network."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lib.files import download
from lib.views import preview_then_apply, run_action

from . import actions, directory, letterhead, site
from .forms import AgencyForm, DirectoryUploadForm, RegionSettingsForm, ServiceSettingsForm, TerritoryForm
from .models import Agency, RegionSettings, Role, Territory
from .views import require_admin

PREVIEW_KEY = "directory-import"


@login_required
def directory_list(request):
    require_admin(request)
    query = request.GET.get("q", "").strip()[:100]
    agencies = Agency.objects.select_related("territory").order_by("-active", "kind", "short_name")
    if query:
        agencies = agencies.filter(Q(short_name__icontains=query) | Q(name__icontains=query)
                                   | Q(territory__name__icontains=query))
    return render(request, "accounts/directory.html", {
        "agencies": agencies[:500], "territories": Territory.objects.order_by("-active", "name"), "query": query,
        "kinds": Agency.Kind.choices})


def _set_active(request, row, action):
    actions.set_directory_active(row, actor=request.user, active=request.POST["active"] == "1", action=action)
    messages.success(request, _("Saved."))


def _save(request, form, action):
    saved = actions.save_directory_entry(actor=request.user, form=form, action=action)
    messages.success(request, _("Saved."))
    return saved


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, pk=None):
    require_admin(request)
    agency = get_object_or_404(Agency, pk=pk) if pk else None
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and "active" in request.POST and agency:
        _set_active(request, agency, "directory.agency.active")
        return redirect("agency_edit", pk=agency.pk)
    if request.method == "POST" and form.is_valid():
        saved = _save(request, form, "directory.agency")
        return redirect("agency_edit", pk=saved.pk)
    return render(request, "accounts/agency_form.html", {"form": form, "agency": agency})


@login_required
@require_http_methods(["GET", "POST"])
def territory_edit(request, pk=None):
    require_admin(request)
    territory = get_object_or_404(Territory, pk=pk) if pk else None
    form = TerritoryForm(request.POST or None, instance=territory)
    if request.method == "POST" and "active" in request.POST and territory:
        _set_active(request, territory, "directory.territory.active")
        return redirect("directory")
    if request.method == "POST" and form.is_valid():
        _save(request, form, "directory.territory")
        return redirect("directory")
    return render(request, "accounts/territory_form.html", {"form": form, "territory": territory})


@login_required
@require_http_methods(["GET", "POST"])
def directory_import(request):
    """Upload → preview with a Russian error per row → import the valid rows (kept in the session between)."""
    require_admin(request)
    form = DirectoryUploadForm(request.POST or None, request.FILES or None)

    def apply(stored):
        created, updated = directory.apply([directory.Row(**row) for row in stored], actor=request.user)
        messages.success(request, _("Imported: new — %(created)d, updated — %(updated)d.") % {
            "created": created, "updated": updated})
        return redirect("directory")

    answered, rows = preview_then_apply(
        request, form, key=PREVIEW_KEY, read=directory.read, apply=apply, again="directory_import",
        keep=lambda rows: [dict(row.__dict__) for row in rows if not row.errors])
    if answered:
        return answered
    labels = dict(Agency.Kind.choices)
    for row in rows or []:
        row.kind_label = labels.get(row.values.get("kind"), row.values.get("kind") or "—")
    return render(request, "accounts/directory_import.html", {
        "form": form, "rows": rows, "valid": sum(1 for r in rows or [] if not r.errors)})


@login_required
def directory_sample(request):
    require_admin(request)
    return download(directory.sample_file(), "directory-sample.xlsx")



@login_required
@require_http_methods(["GET", "POST"])
def service_settings(request):
    """The coordinator's (or the administrator's) settings of their own service."""
    service = _own_service(request.user)
    about_template = "template" in request.POST or "template_reset" in request.POST
    posted = request.POST if request.method == "POST" and not about_template else None
    form = ServiceSettingsForm(posted, instance=service)
    if posted is not None and form.is_valid():
        _save(request, form, "service.settings")
        return redirect("service_settings")
    if request.method == "POST" and "template" in request.POST:
        upload = request.FILES.get("letter_template")
        if upload is None:
            messages.error(request, _("Choose a DOCX file."))
        elif run_action(request, lambda: letterhead.save_template(service, upload, actor=request.user),
                        _("The letter template is saved: the next letter uses it.")):
            return redirect("service_settings")
    if request.method == "POST" and "template_reset" in request.POST:
        run_action(request, lambda: letterhead.reset_template(service, actor=request.user),
                   _("The standard letter template is used again."))
        return redirect("service_settings")
    return render(request, "accounts/service_settings.html", {
        "form": form, "service": service, "region_days": settings.OPENDOOR_ANSWER_DAYS,
        "own_template": letterhead.template_path(service).is_file()})


def _own_service(user):
    """The reconciliation service whose settings `user` keeps (coordinator or administrator); 403 otherwise."""
    services = user.agency_ids(Role.COORDINATOR) | user.agency_ids(Role.ADMIN)
    service = Agency.objects.filter(pk__in=services, kind=Agency.Kind.RECONCILIATION_SERVICE).order_by("pk").first()
    if service is None:
        raise PermissionDenied
    return service


@login_required
def letter_template(request):
    """The letter template the service uses now (its own or the standard one), to edit in Word."""
    return download(letterhead.template_for(_own_service(request.user)), "letter-template.docx")


@login_required
@require_http_methods(["GET", "POST"])
def region_settings(request):
    """The administrator's settings of the region: the public address and the hour of the daily reminders."""
    require_admin(request)
    row = RegionSettings.objects.order_by("pk").first() or RegionSettings()
    form = RegionSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        _save(request, form, "region.settings")
        site.forget()
        return redirect("region_settings")
    return render(request, "accounts/region_settings.html", {
        "form": form, "environment": {"base_url": settings.OPENDOOR_BASE_URL,
                                      "reminder_hour": settings.OPENDOOR_REMINDER_HOUR}})
