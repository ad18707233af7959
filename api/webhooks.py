"""Notifications to agency systems: when a referral of theirs changes, a signed POST to their address.

The body names the event and the referral's code and status only — no personal data; the system reads the
details through the API with its key. Signature: X-OpenDoor-Signature = "sha256=" + HMAC-SHA256(secret,
"<X-OpenDoor-Timestamp>.<body>"). A failed delivery is retried by the task worker after 1, 5, 25, 125 and
625 minutes; then it is marked failed. Every attempt is kept in the delivery log."""

import datetime
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request

from django.db import transaction
from django.utils import timezone
from django_tasks import default_task_backend, task

from cases.access import stage_told_to

from .models import ApiToken, WebhookDelivery

BACKOFF_MINUTES = [1, 5, 25, 125, 625]
TIMEOUT_SECONDS = 10


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def notify(referral, event):
    """Queue a notification for every active key of the referring agency that has an address."""
    # The stage as the referring agency may know it (a safety hold it was not told of reads «paused»).
    stage = stage_told_to(getattr(referral, "case", None), {referral.agency_id})
    payload = {"event": event, "referral": referral.code, "status": referral.status,
               "case_status": stage[0] if stage else None,
               "at": timezone.now().isoformat(timespec="seconds")}
    targets = ApiToken.objects.filter(agency_id=referral.agency_id, revoked_at__isnull=True).exclude(webhook_url="")
    for token in targets:
        delivery = WebhookDelivery.objects.create(token=token, event=event, payload=payload)
        transaction.on_commit(lambda pk=delivery.pk: deliver.enqueue(pk))


def _attempt(delivery):
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(delivery.token.webhook_url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": "OpenDoor-Webhook/1",
        "X-OpenDoor-Event": delivery.event, "X-OpenDoor-Delivery": str(delivery.pk),
        "X-OpenDoor-Timestamp": timestamp, "X-OpenDoor-Signature": sign(delivery.token.webhook_secret, timestamp,
                                                                         body)})
    try:
        # An address the administrator entered for this agency's system (http or https only, see the form).
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # nosec B310
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError) as error:
        return None, str(getattr(error, "reason", error))[:300]


@task()
def deliver(delivery_id):
    delivery = WebhookDelivery.objects.select_related("token").filter(pk=delivery_id).first()
    if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
        return None
    if delivery.token.revoked_at or not delivery.token.webhook_url:
        delivery.status, delivery.last_error = WebhookDelivery.Status.FAILED, "key revoked"
        delivery.save()
        return delivery.status
    code, error = _attempt(delivery)
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = code, error
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            WebhookDelivery.Status.DELIVERED, timezone.now(), None)
    elif delivery.attempts > len(BACKOFF_MINUTES):
        delivery.status, delivery.next_attempt_at = WebhookDelivery.Status.FAILED, None
    else:
        delivery.next_attempt_at = timezone.now() + datetime.timedelta(
            minutes=BACKOFF_MINUTES[delivery.attempts - 1])
    delivery.save()
    if delivery.status == WebhookDelivery.Status.PENDING and default_task_backend.supports_defer:
        deliver.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery.status


def retry_due(now=None):
    """Deliveries whose next attempt is due (for backends that cannot defer a task, and after an outage)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
    return [deliver.call(pk) for pk in due.values_list("pk", flat=True)]

