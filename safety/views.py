from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Role
from audit import log
from cases.access import get_case_for_user
from lib.views import run_action

from . import actions
from .access import get_notice_for_user, notices_visible_to
from .forms import DecisionForm, NoticeForm


@login_required
@require_http_methods(["GET", "POST"])
def notice_new(request, code):
    case = get_case_for_user(request.user, code, need="work")
    form = NoticeForm(request.POST or None, case=case,
                      initial={"recipients": actions.default_recipients(case)})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        notice = run_action(request, lambda: actions.open_notice(
            case, actor=request.user, recipients=d["recipients"], content=d["content"], follows=d["follows"]),
            _("The safety notice has been sent; the case is on hold."), form=form)
        if notice:
            return redirect("safety_notice", code=notice.code)
    ids = [str(getattr(v, "pk", v)) for v in (form["recipients"].value() or [])]
    chosen = [str(a) for a in form.fields["recipients"].queryset.filter(pk__in=[i for i in ids if i.isdigit()])]
    return render(request, "safety/new.html", {"case": case, "form": form, "chosen": chosen})


@login_required
def notice_list(request):
    if not any(request.user.has_role(r) for r in (Role.REFERRER, Role.COORDINATOR, Role.FACILITATOR)):
        raise PermissionDenied
    notices = notices_visible_to(request.user).select_related("case", "sender").prefetch_related("recipients")
    return render(request, "safety/list.html", {"notices": notices[:200]})


@login_required
def notice_detail(request, code):
    notice = get_notice_for_user(request.user, code)
    log.record_read(request.user, notice)
    return render(request, "safety/detail.html", {
        "notice": notice,
        "recipients": notice.recipients.all(),
        "persons": notice.case.referral.persons.select_related("person"),
        "later": notice.followed_by.all(),
    })


@login_required
@require_POST
def case_resume(request, code):
    case = get_case_for_user(request.user, code, need="manage")
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(request, lambda: actions.resume_case(case, actor=request.user, reason=reason),
               _("The case has resumed at the stage where it stopped."))
    return redirect("case", code=case.code)


@login_required
@require_POST
def case_terminate(request, code):
    case = get_case_for_user(request.user, code, need="manage")
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run_action(request, lambda: actions.terminate_case(case, actor=request.user, reason=reason),
               _("The program has been terminated."))
    return redirect("case", code=case.code)
