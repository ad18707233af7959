"""Pages make a known number of queries, the same for 1 row and for 20 rows (no N+1).

The numbers are pinned: a page that starts making more queries fails here, and whoever changes it writes the new
number down on purpose (with the reason in the commit)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CaseStatus


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# (who, page) -> queries for the page, with 1 case and with 20.
PINNED = {
    ("secretary", "referrals"): 8,
    ("coordinator", "referrals"): 8,
    ("coordinator", "cases"): 11,
    ("facilitator", "cases"): 11,
    ("coordinator", "home"): 17,
    ("facilitator", "home"): 11,
    ("secretary", "home"): 12,
    ("coordinator", "monitoring"): 37,
    ("analyst", "home"): 7,
}


@pytest.mark.parametrize(("login", "url"), sorted(PINNED))
def test_list_pages_make_a_pinned_number_of_queries(client, cast, make_case, login, url):
    client.force_login(getattr(cast, login))
    make_case(upto=CaseStatus.FOLLOW_UP)
    client.get(reverse(url))  # the first request of a session renews it (a write); compare the ones after
    one = count_queries(client, reverse(url))
    for _ in range(19):
        make_case(upto=CaseStatus.FOLLOW_UP)
    many = count_queries(client, reverse(url))
    assert one == many == PINNED[(login, url)]


# Pages of one object: (who, page name, what the code comes from) -> queries.
OBJECT_PAGES = {
    ("coordinator", "case", "case"): 29,
    ("facilitator", "case", "case"): 29,
    ("coordinator", "referral", "referral"): 15,
    ("secretary", "referral", "referral"): 14,
}


@pytest.mark.parametrize(("login", "name", "of"), sorted(OBJECT_PAGES))
def test_object_pages_make_a_pinned_number_of_queries(client, cast, make_case, login, name, of):
    case = make_case(upto=CaseStatus.REPORTED)
    code = case.code if of == "case" else case.referral.code
    client.force_login(getattr(cast, login))
    client.get(reverse(name, args=[code]))
    n = count_queries(client, reverse(name, args=[code]))
    assert n == OBJECT_PAGES[(login, name, of)]
