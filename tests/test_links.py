"""No page links to one its reader may not open: every role walks the site from its start page, following every
link (breadth first, up to a bound), and no link answers 403 or 404."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from cases.models import CaseStatus

S = CaseStatus
ROLES = ["secretary", "guardian", "teacher", "coordinator", "facilitator", "facilitator2", "methodologist",
         "analyst", "organiser", "admin", "coordinator_b", "facilitator_b"]
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]+)"')
SKIP = ("/logout/", "/static/", "/media/", "/api/", "/login/")
BOUND = 160


@pytest.mark.parametrize("role", ROLES)
def test_no_page_links_to_a_page_its_reader_may_not_open(client, cast, make_case, make_referral, role):
    make_case(upto=S.FOLLOW_UP)
    make_case(upto=S.REPORTED)
    make_case(upto=S.SCREENING)
    make_referral(submit=False)
    client.force_login(getattr(cast, role))
    queue, seen, broken = [("/", "—")], set(), []
    while queue and len(seen) < BOUND:
        url, source = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (403, 404):
            broken.append(f"{url} ({response.status_code}) linked from {source}")
            continue
        if "text/html" not in response.get("Content-Type", "") or response.status_code != 200:
            continue
        for href in HREF.findall(response.content.decode()):
            href = href.replace("&amp;", "&")
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
                continue
            link = parts.path + (f"?{parts.query}" if parts.query else "")
            if link not in seen:
                queue.append((link, url))
    assert len(seen) > 3  # the walk went somewhere
    assert broken == []
