"""The audit log in words: what each action code means, and which object a row is about.

Codes stay in the rows (they are hashed into the chain); the page and the export translate them. A code written
with a variable end (``document.report.pdf``, ``monitoring.xlsx``) is described by its longest known prefix
followed by the rest. tests/test_audit_labels.py reads every action code the source writes and fails on one
with no description here.

Objects are named only where the name is not personal: a case by its journal number, a referral by its date and
agency, a user, an agency, an event by their names; anything else (a person, a consent, a notice) by its kind
and code, which the administrator can look up but which tells nothing about a family.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "login": _("logged in"),
    "login.failed": _("failed login"),
    "login.recovery_code": _("logged in with a recovery code"),
    "login.unlock_link": _("sent an unlock link"),
    "login.unlock_link_used": _("unlocked the account by the link"),
    "login.2fa": _("confirmed the login with the second factor"),
    "account.2fa.enrol": _("set up the second factor"),
    "account.2fa.enrol_link": _("sent a link to set up the second factor"),
    "account.act_for": _("switched the organisation they act for"),
    "account.logout_everywhere": _("logged out on every device"),
    "account.password_set": _("set a password"),
    "account.session_end": _("ended a session"),
    "account.unlock": _("unlocked an account"),
    "user.deactivate": _("deactivated a user"),
    "user.reactivate": _("reactivated a user"),
    "user.invite": _("invited a user"),
    "user.invite_again": _("invited a user again"),
    "user.roles": _("changed a user's roles"),
    "region.start": _("started the region"),
    "region.settings": _("changed the region's settings"),
    "service.settings": _("changed the service's settings"),
    "service.letter_template": _("uploaded the letter template"),
    "service.letter_template.reset": _("returned to the standard letter template"),
    "service.export": _("exported the service's data"),
    "directory.import": _("imported the directory of agencies"),
    "directory.agency": _("saved an agency of the directory"),
    "directory.agency.active": _("deactivated or restored an agency"),
    "directory.territory": _("saved a territory"),
    "directory.territory.active": _("deactivated or restored a territory"),
    "indicator.create": _("added a grant indicator"),
    "indicator.period": _("recorded a value of a grant indicator"),
    "api.token.issue": _("issued an API key"),
    "api.token.revoke": _("revoked an API key"),
    "api.referral.view": _("read a referral through the API"),
    "api.": _("API request"),
    "audit.export": _("exported the audit log"),
    "referral.create": _("created a referral"),
    "referral.submit": _("sent a referral"),
    "referral.draft.edit": _("edited a draft referral"),
    "referral.draft.delete": _("deleted a draft referral"),
    "referral.accept": _("accepted a referral"),
    "referral.decline": _("declined a referral"),
    "referral.withdraw": _("withdrew a referral"),
    "view": _("opened"),
    "case.open": _("opened a case"),
    "case.assign": _("assigned facilitators"),
    "case.conflict": _("declared a conflict of interest"),
    "case.start_screening": _("started the screening"),
    "case.screening": _("recorded a screening"),
    "case.rescreen": _("sent the case back to screening"),
    "case.not_suitable": _("found the case not suitable"),
    "case.prepare": _("started the preparation"),
    "case.program": _("chose the program"),
    "case.program_started": _("started the program"),
    "case.participant.add": _("added a participant"),
    "case.consent.give": _("recorded a consent"),
    "case.consent.withdraw": _("recorded the withdrawal of a consent"),
    "case.meeting": _("recorded a meeting"),
    "case.network.add": _("added a member of the family network"),
    "case.child_voice": _("recorded how the child's voice is heard"),
    "case.not_held": _("marked the program as not held"),
    "case.agreement": _("recorded the agreement or family plan"),
    "case.plan.revise": _("recorded a new version of the family plan"),
    "case.plan.accept": _("accepted the family plan"),
    "case.plan.refuse": _("refused the family plan"),
    "case.follow_up": _("started the follow-up"),
    "case.followup": _("recorded a check of an item"),
    "case.review": _("held the review of the family plan"),
    "case.reconvene": _("reconvened the family"),
    "case.escalate": _("passed the case to the statutory route"),
    "case.report.draft": _("saved the information on the results"),
    "case.report.sign": _("signed the information on the results"),
    "case.safety_hold": _("put the case on hold for the child's safety"),
    "case.resume": _("resumed the case"),
    "case.terminate": _("terminated the program"),
    "case.close": _("closed the case"),
    "case.attachment.add": _("attached a file"),
    "case.attachment.read": _("opened an attached file"),
    "safety.notice": _("sent a safety notice"),
    "safety.disclosure": _("disclosed information for the child's safety"),
    "journal.export": _("exported the case journal"),
    "journal.import": _("imported a case journal"),
    "journal.import.row": _("imported a journal row"),
    "document.": _("downloaded a document"),
    "monitoring.": _("exported the monitoring report"),
    "person.lookup": _("looked up a person"),
    "person.correct": _("corrected a person's record"),
    "person.merge": _("merged two records of a person"),
    "person.merged_into": _("merged a record into another"),
    "person.unmerge": _("undid a merge of records"),
    "person.distinct": _("marked two records as different people"),
    "person.ask_service": _("asked another service about a person"),
    "person.export": _("exported a person's data"),
    "retention.depersonalise": _("depersonalised a referral after the retention period"),
    "event.create": _("created an event"),
    "event.edit": _("edited an event"),
    "event.approve": _("approved an event"),
    "event.reject": _("rejected an event"),
    "event.cancel": _("cancelled an event"),
    "event.session": _("changed the sessions of an event"),
    "event.register": _("registered for an event"),
    "event.register.confirm": _("confirmed a registration"),
    "event.register.expired": _("a registration expired"),
    "event.promote": _("moved a person up from the waiting list"),
    "event.attendance": _("marked attendance"),
    "event.export.": _("exported an event list"),
    "event.certificate.issue": _("issued a certificate"),
    "event.certificate.revoke": _("revoked a certificate"),
    "event.certificate.download": _("downloaded a certificate"),
    "event.certificate.email": _("e-mailed a certificate"),
    "event.certificate.zip": _("downloaded the certificates of an event"),
    "knowledge.save": _("saved a knowledge base entry"),
    "knowledge.category": _("changed a knowledge base category"),
    "library.prepare": _("prepared a depersonalised story"),
    "library.propose": _("proposed a story for the library"),
    "library.approve": _("approved a story"),
    "library.return": _("returned a story for changes"),
    "library.publish": _("published a story"),
    "library.pdf": _("downloaded a story"),
    "supervision.prepare": _("prepared a case for supervision"),
    "supervision.draft": _("saved a supervision request"),
    "supervision.send": _("sent a supervision request"),
    "supervision.session": _("recorded a supervision session"),
    "training.add": _("added a training record"),
    "training.status": _("changed a facilitator's status"),
}


def describe_action(code):
    """The action in words; a code with a variable end by its longest known prefix and the rest."""
    if code in ACTIONS:
        return str(ACTIONS[code])
    prefixes = [p for p in ACTIONS if p.endswith(".") and code.startswith(p)]
    if prefixes:
        prefix = max(prefixes, key=len)
        return f"{ACTIONS[prefix]} ({code[len(prefix):]})"
    return code


def is_described(code):
    return code in ACTIONS or any(p.endswith(".") and code.startswith(p) for p in ACTIONS)


def _models_by_type():
    return {model.__name__.lower(): model for model in apps.get_models()}


def describe_objects(events):
    """{(object_type, object_code): "случай № 12/2026"} for a page of rows, one query per kind of object."""
    models = _models_by_type()
    wanted = {}
    for event in events:
        if event.object_type:
            wanted.setdefault(event.object_type, set()).add(event.object_code)
    names = {}
    for kind, codes in wanted.items():
        model = models.get(kind)
        if model is None:
            for code in codes:
                names[(kind, code)] = f"{kind} {code}"
            continue
        kind_name = str(model._meta.verbose_name)
        label = getattr(model, "audit_label", None)
        found = {}
        if label is not None:
            key = "code" if any(f.name == "code" for f in model._meta.fields) else "pk"
            values = [c for c in codes if key == "code" or c.isdigit()]
            for obj in model._base_manager.filter(**{f"{key}__in": values}):
                found[str(getattr(obj, key))] = obj.audit_label()
        for code in codes:
            names[(kind, code)] = f"{kind_name} {found[code]}" if code in found else f"{kind_name} № {code}"
    return names
