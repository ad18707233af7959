"""The letter to the referring agency on the answer of the service, filled into the service's letter template
(accounts/letterhead.py) from plain values only."""

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from accounts import letterhead

# --- the letter -----------------------------------------------------------------------------------------------


def answer_facts(report):
    """The facts of the answer as every copy of it prints them: [(label, value), …]."""
    return [
        (_("Program held"), _("yes") if report.held else _("no")),
        (_("Program kind"), capfirst(report.get_program_kind_display()) or "—"),
        (_("Dates"), " — ".join(d.strftime("%d.%m.%Y") for d in (report.started_on, report.finished_on) if d) or "—"),
        (_("Participants"), _("minors: %(m)s, adults: %(a)s") % {"m": report.minors, "a": report.adults}),
        (_("Outcome"), capfirst(report.get_outcome_display())),
        (_("Follow-up result"), capfirst(report.get_followup_result_display())),
    ]


def context(ctx):
    """Plain values for the template from documents.report_context()."""
    case, report, service, referral = ctx["case"], ctx["report"], ctx["service"], ctx["referral"]
    position, name = ctx["signature"]
    drafted_by = report.drafted_by
    signed = timezone.localtime(report.signed_at or timezone.now())
    rows = ctx["facts"]
    agreement = ctx["agreement"]
    if agreement:
        agreement_intro = _("Agreement of the parties of %(date)s (shared with the consent of every party):") % {
            "date": agreement.concluded_on.strftime("%d.%m.%Y")}
    elif ctx["agreement_withheld"]:
        agreement_intro = _("The text of the agreement is not shared: not every party has consented to share it "
                            "with your agency.")
    else:
        agreement_intro = ""
    return {
        "service_name": service.name,
        "service_address": service.address,
        "service_contacts": ", ".join(p for p in (
            _("tel. %(phone)s") % {"phone": service.phone} if service.phone else "", service.email) if p),
        "letter_date": signed.strftime("%d.%m.%Y"),
        "letter_number": ctx["outgoing_number"],
        "reference": _("To the referral of %(date)s") % {
            "date": referral.submitted_on.strftime("%d.%m.%Y") if referral.submitted_on else "—"},
        "addressee_name": referral.agency.name,
        "addressee_address": referral.agency.address,
        "title": _("On the results of the restorative program"),
        "intro": _("In answer to your referral of %(date)s (case № %(number)s) we inform you of the results of "
                   "the restorative program.") % {
            "date": referral.submitted_on.strftime("%d.%m.%Y") if referral.submitted_on else "—",
            "number": case.journal_number},
        "rows": [{"label": str(label), "value": str(value)} for label, value in rows],
        "summary": [line for line in (report.summary or "").splitlines() if line.strip()],
        "agreement_intro": agreement_intro,
        "items": [f"{n}. {item.action} — {item.responsible}, {_('by')} {item.deadline:%d.%m.%Y}"
                  for n, item in enumerate(ctx["items"], 1)],
        "signer_position": str(position),
        "signature_space": "",
        "signer_name": name,
        "executor_name": _("Executor: %(name)s") % {"name": drafted_by.full_name} if drafted_by else "",
        "executor_phone": _("tel. %(phone)s") % {"phone": service.phone} if service.phone else "",
    }


def letter(ctx):
    return letterhead.render(letterhead.template_for(ctx["service"]), context(ctx))
