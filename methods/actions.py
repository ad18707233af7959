"""Every change of methodological support: checked, saved and audited in one place (views only call these)."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import log
from lib.conflicts import UNCHECKED, check_number, check_version
from lib.errors import ActionError
from lib.uploads import safe_name

from . import knowledge
from .models import (
    FacilitatorProfile,
    KnowledgeCategory,
    KnowledgeDocument,
    KnowledgeVersion,
    LibraryCase,
    SupervisionRequest,
    SupervisionSession,
    TrainingRecord,
)
from .summaries import LEAK_LABELS, remaining


def _refuse_leaks(case, *texts):
    found = sorted({kind for text in texts for kind in remaining(case, text)})
    if found:
        raise ActionError(_("The text still holds %(what)s. Correct it before sending: nothing identifying may "
                            "leave the case.") % {"what": ", ".join(str(LEAK_LABELS[k]) for k in found)})


def _context(case):
    program = getattr(case, "program", None)
    return {"program_kind": program.kind if program else "", "situation": case.referral.situation}


# --- supervision ---------------------------------------------------------------------------------

@transaction.atomic
def save_request(case, *, actor, question, summary, send, item=None, expected_version=UNCHECKED):
    """Create or update a draft; with send=True the reviewed text is checked for leaks and goes to the methodologist."""
    if item is not None:
        item = SupervisionRequest.objects.select_for_update().get(pk=item.pk)
        check_version(item, expected_version, ["question", "summary"])
        item.version += 1
    if item is not None and item.status != SupervisionRequest.Status.DRAFT:
        raise ActionError(_("The request has been sent and can no longer be changed."))
    if send:
        _refuse_leaks(case, question, summary)
    item = item or SupervisionRequest(case=case, requested_by=actor)
    item.question, item.summary = question, summary
    for field, value in _context(case).items():
        setattr(item, field, value)
    if send:
        item.status = SupervisionRequest.Status.SENT
        item.sent_at = timezone.now()
    item.save()
    log.record(actor, "supervision.send" if send else "supervision.draft", item.case,
               fields=["question", "summary"])
    return item


@transaction.atomic
def record_session(*, actor, kind, held_on, participants, requests, recommendations):
    requests = list(requests)
    if not requests:
        raise ActionError(_("Choose at least one case to discuss."))
    if kind == SupervisionSession.Kind.SUPERVISION and len(requests) > 1:
        raise ActionError(_("A supervision discusses one case; several cases are an intervision."))
    if any(r.status == SupervisionRequest.Status.DRAFT for r in requests):
        raise ActionError(_("A draft request cannot be discussed yet."))
    if held_on > timezone.localdate():
        raise ActionError(_("The session cannot be recorded before it is held."))
    session = SupervisionSession.objects.create(kind=kind, held_on=held_on, methodologist=actor,
                                                recommendations=recommendations)
    session.participants.set(participants)
    session.requests.set(requests)
    SupervisionRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        status=SupervisionRequest.Status.DISCUSSED)
    log.record(actor, "supervision.session", session, fields=["recommendations", "participants", "requests"])
    return session


# --- case library --------------------------------------------------------------------------------

@transaction.atomic
def propose_story(case, *, actor, title, story, lessons, outcome, consent):
    if not consent:
        raise ActionError(_("A story goes to the library only with the facilitator's consent."))
    context = _context(case)
    if not context["program_kind"]:
        raise ActionError(_("Choose the program of the case first: the library is searched by program kind."))
    _refuse_leaks(case, title, story, lessons)
    item = LibraryCase.objects.create(
        source_case=case, service=case.service, title=title, story=story, lessons=lessons, outcome=outcome,
        proposed_by=actor, consent_at=timezone.now(), **context)
    log.record(actor, "library.propose", item, fields=["title", "story"])
    return item


def _advance(item, *, actor, expected, status, step, action, refusal):
    """One step of the library's path: proposed → approved (coordinator) → published (methodologist)."""
    if item.status != expected:
        raise ActionError(refusal)
    item.status = status
    setattr(item, f"{step}_by", actor)
    setattr(item, f"{step}_at", timezone.now())
    item.save(update_fields=["status", f"{step}_by", f"{step}_at"])
    log.record(actor, action, item, fields=["status"])


@transaction.atomic
def approve_story(item, *, actor):
    _advance(item, actor=actor, expected=LibraryCase.Status.PROPOSED, status=LibraryCase.Status.APPROVED,
             step="approved", action="library.approve", refusal=_("Only a proposed story can be approved."))


@transaction.atomic
def publish_story(item, *, actor):
    _advance(item, actor=actor, expected=LibraryCase.Status.APPROVED, status=LibraryCase.Status.PUBLISHED,
             step="published", action="library.publish",
             refusal=_("Only a story approved by the coordinator can be published."))


@transaction.atomic
def return_story(item, *, actor, reason):
    if item.status not in (LibraryCase.Status.PROPOSED, LibraryCase.Status.APPROVED):
        raise ActionError(_("This story is not waiting for a decision."))
    if not reason.strip():
        raise ActionError(_("Say why the story is returned."))
    item.status, item.return_reason = LibraryCase.Status.RETURNED, reason
    item.save(update_fields=["status", "return_reason"])
    log.record(actor, "library.return", item, fields=["status", "return_reason"])


# --- profiles ------------------------------------------------------------------------------------

@transaction.atomic
def add_training(facilitator, *, actor, course, hours, provider, certificate_number, completed_on):
    if completed_on > timezone.localdate():
        raise ActionError(_("A course cannot be completed in the future."))
    record = TrainingRecord.objects.create(user=facilitator, course=course, hours=hours, provider=provider,
                                           certificate_number=certificate_number, completed_on=completed_on,
                                           recorded_by=actor)
    log.record(actor, "training.add", facilitator, fields=["course", "hours"])
    return record


@transaction.atomic
def set_status(facilitator, *, actor, status):
    profile, _created = FacilitatorProfile.objects.get_or_create(user=facilitator)
    profile.status, profile.status_changed_at, profile.status_changed_by = status, timezone.now(), actor
    profile.save()
    log.record(actor, "training.status", facilitator, fields=["status"])


# --- knowledge base ------------------------------------------------------------------------------

@transaction.atomic
def save_document(*, actor, category, title, body, note, upload=None, document=None, expected_version=UNCHECKED):
    """A new document, or a new version of one. `expected_version` is the number of the version the editor
    started from: a version someone saved meanwhile is shown beside the editor's text, not overwritten."""
    if not body.strip() and upload is None:
        raise ActionError(_("A document needs a text or a file."))
    if document is not None:
        document = KnowledgeDocument.objects.select_for_update().get(pk=document.pk)
        latest = document.current
        check_number(latest.number, expected_version, {"title": document.title, "body": latest.body})
    data = file_type = None
    if upload is not None:
        data, file_type = knowledge.read_upload(upload)
    if document is None:
        document = KnowledgeDocument.objects.create(category=category, title=title)
        number = 1
    else:
        document.category, document.title = category, title
        number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = KnowledgeVersion(document=document, number=number, body=body, note=note, created_by=actor)
    if data is not None:
        version.file_name = safe_name(upload.name, file_type)
        version.file_type = file_type
        version.file_stored = f"v{number}.{file_type}"
        version.file_text = knowledge.extract_text(data, file_type)
        version.path.parent.mkdir(parents=True, exist_ok=True)
        version.path.write_bytes(data)
    elif number > 1:  # a new text keeps the attachment of the previous version
        previous = document.versions.get(number=number - 1)
        for field in ("file_name", "file_type", "file_stored", "file_text"):
            setattr(version, field, getattr(previous, field))
    version.save()
    knowledge.index(document, version)
    log.record(actor, "knowledge.save", document, fields=["title", "body"] + (["file"] if upload else []))
    return document


@transaction.atomic
def add_knowledge_category(*, actor, name):
    category = KnowledgeCategory.objects.create(name=name, order=KnowledgeCategory.objects.count())
    log.record(actor, "knowledge.category", category, fields=["name"])
    return category
