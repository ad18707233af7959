"""Notifications to agency systems: a real HTTP receiver checks the signature; failures are retried."""

import http.server
import json
import threading

import pytest
from django.urls import reverse

from api import tokens, webhooks
from api.models import WebhookDelivery
from referrals import actions


class Receiver(http.server.BaseHTTPRequestHandler):
    answers = []
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((self.headers, body))
        self.send_response(Receiver.answers.pop(0) if Receiver.answers else 200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    Receiver.answers, Receiver.received = [], []
    server = http.server.HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", Receiver
    server.shutdown()


def issue(cast, url):
    token, _key = tokens.issue(agency=cast.commission, name="АИС КДН", scopes=["referrals:read"], actor=cast.admin,
                               webhook_url=url)
    return token


def test_a_status_change_is_posted_signed_and_without_personal_data(cast, make_referral, receiver,
                                                                   django_capture_on_commit_callbacks):
    url, log = receiver
    token = issue(cast, url)
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral()
    headers, body = log.received[-1]
    payload = json.loads(body)
    assert payload["event"] == "referral.status" and payload["referral"] == referral.code
    assert payload["status"] == "submitted"
    assert "Смирнов" not in body.decode()
    assert headers["X-OpenDoor-Signature"] == webhooks.sign(token.webhook_secret, headers["X-OpenDoor-Timestamp"],
                                                            body)
    assert WebhookDelivery.objects.get().status == "delivered"


def test_a_failed_delivery_is_retried_with_back_off_and_logged(cast, make_referral, receiver,
                                                               django_capture_on_commit_callbacks, client):
    url, log = receiver
    issue(cast, url)
    log.answers = [500, 503]
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status_code == 500
    first_wait = delivery.next_attempt_at - delivery.created_at
    webhooks.deliver.call(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at - delivery.created_at > first_wait
    webhooks.retry_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3 and len(log.received) == 3
    client.force_login(cast.admin)
    page = client.get(reverse("api_token_deliveries", args=[delivery.token_id])).content.decode()
    assert referral.code in page and "доставлено" in page


def test_an_unreachable_address_fails_after_the_last_attempt(cast, make_referral,
                                                             django_capture_on_commit_callbacks):
    issue(cast, "http://127.0.0.1:9/nothing")
    with django_capture_on_commit_callbacks(execute=True):
        actions.withdraw_referral(make_referral(), actor=cast.secretary)
    for delivery in WebhookDelivery.objects.all():
        while delivery.status == "pending":
            webhooks.deliver.call(delivery.pk)
            delivery.refresh_from_db()
        assert delivery.status == "failed" and delivery.attempts == len(webhooks.BACKOFF_MINUTES) + 1
        assert delivery.last_error


def test_agencies_without_an_address_get_nothing(cast, make_referral):
    tokens.issue(agency=cast.commission, name="без адреса", scopes=["referrals:read"], actor=cast.admin)
    make_referral()
    assert not WebhookDelivery.objects.exists()
