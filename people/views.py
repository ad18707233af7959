from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit import log
from cases.documents import render_pdf
from lib.conflicts import ConflictError, conflict_rows
from lib.files import download

from . import actions
from .access import get_person_for_user
from .forms import PersonForm
from .models import Person


def everything_about(person):
    """All the system holds about one person, for a data-subject request (152-ФЗ, art. 14)."""
    return {
        "person": person,
        "referrals": person.referral_roles.select_related("referral__agency", "referral__case"),
        "participations": person.participations.select_related("case").prefetch_related("consents", "meetings"),
        "printed": timezone.localdate(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request, code):
    person = get_person_for_user(request.user, code)
    log.record_read(request.user, person)
    form = PersonForm(request.POST or None, instance=person, initial={"version": person.version})
    conflict = None
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in Person.EDITABLE}
        try:
            actions.correct_person(person, actor=request.user, fields=fields,
                                   expected_version=form.cleaned_data["version"])
        except ConflictError as error:
            form.add_error(None, str(error))
            conflict = conflict_rows(form, error.current)
            form.data = form.data.copy()
            form.data["version"] = Person.objects.get(pk=person.pk).version
        else:
            messages.success(request, _("The record has been corrected."))
            return redirect("person", code=person.code)
    return render(request, "people/detail.html", {**everything_about(person), "form": form, "conflict": conflict})


@login_required
def person_export(request, code):
    person = get_person_for_user(request.user, code)
    actions.record_export(request.user, person)
    return download(render_pdf("people/export.html", everything_about(person)), f"subject-{person.code}.pdf")
