"""The case's side of the referral page: accepting a referral (it opens a case), the referring agency's decision on
a family plan, and the case's stage and plan form shown on the page (registered in CasesConfig.ready())."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.views import run_action
from referrals.access import get_referral_for_user

from . import actions
from .access import stage_for
from .forms import PlanDecisionForm


def referral_page_part(request, referral):
    return {"stage": stage_for(request.user, getattr(referral, "case", None)), "plan_form": PlanDecisionForm()}


@login_required
@require_POST
def referral_accept(request, code):
    referral = get_referral_for_user(request.user, code, need="decide")
    case = run_action(request, lambda: actions.accept_referral(referral, actor=request.user),
                      _("The referral has been accepted and a case opened."))
    if case:
        return redirect("case_assign", code=case.code)
    return redirect("referral", code=code)


@login_required
@require_POST
def referral_plan(request, code):
    """The referring agency accepts or refuses a family plan."""
    referral = get_referral_for_user(request.user, code, need="refer")
    agreement = getattr(getattr(referral, "case", None), "agreement", None)
    if agreement is None:
        raise Http404
    form = PlanDecisionForm(request.POST)
    if form.is_valid():
        accepted = form.cleaned_data["decision"] == "accept"
        run_action(request, lambda: actions.decide_plan(agreement, actor=request.user, accepted=accepted,
                                                        reason=form.cleaned_data["reason"]),
                   _("The plan has been accepted.") if accepted
                   else _("The plan has been refused; the service sees your reasons."))
    else:
        messages.error(request, _("Choose whether you accept the plan."))
    return redirect("referral", code=code)
