"""List pages make the same number of queries for 1 row and for 20 rows (no N+1)."""

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


@pytest.mark.parametrize(("login", "url"), [
    ("secretary", "referrals"), ("coordinator", "referrals"), ("coordinator", "cases"),
    ("facilitator", "cases"), ("coordinator", "home"), ("facilitator", "home"), ("secretary", "home"),
    ("coordinator", "monitoring"), ("analyst", "home"),
])
def test_list_pages_do_not_grow_with_rows(client, cast, make_case, login, url):
    client.force_login(getattr(cast, login))
    make_case(upto=CaseStatus.FOLLOW_UP)
    client.get(reverse(url))  # the first request of a session renews it (a write); compare the ones after
    one = count_queries(client, reverse(url))
    for _ in range(19):
        make_case(upto=CaseStatus.FOLLOW_UP)
    many = count_queries(client, reverse(url))
    assert one == many
