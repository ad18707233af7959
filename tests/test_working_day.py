"""Pages for a working day: lines that name the family (as the reader may see it) in date order, notices that
say which family they are about, the safety notice written text first."""

import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from cases.models import CaseStatus
from referrals.models import Referral

S = CaseStatus
DAY = datetime.timedelta(days=1)


def test_the_referral_list_names_the_family_and_is_in_date_order(client, cast, make_referral):
    older, newer = make_referral(), make_referral()
    Referral.objects.filter(pk=older.pk).update(submitted_on=timezone.localdate() - 10 * DAY)
    # A draft created long ago sorts by its creation day, not above the sent ones.
    draft = make_referral(submit=False)
    Referral.objects.filter(pk=draft.pk).update(created_at=timezone.now() - 30 * DAY)
    client.force_login(cast.secretary)
    page = client.get(reverse("referrals")).content.decode()
    body = page[page.index("<tbody>"):]
    positions = [body.index(reverse("referral", args=[r.code])) for r in (newer, older, draft)]
    assert positions == sorted(positions)
    assert body.count("Смирнов А. О. и ещё 1") == 3  # the child first, then how many more
    client.force_login(cast.coordinator)
    page = client.get(reverse("referrals")).content.decode()
    assert page.count("Смирнов А. О. и ещё 1") == 2  # the service does not see the agency's draft


def test_notifications_say_which_family_they_are_about_to_those_who_may_know(client, cast, make_case):
    case = make_case(upto=S.SCREENING)
    for user in (cast.coordinator, cast.analyst):
        Notification.objects.create(user=user, text="Случай ждёт решения", url=reverse("case", args=[case.code]))
    client.force_login(cast.coordinator)
    page = client.get(reverse("notifications")).content.decode()
    assert f"(№ {case.journal_number} · Смирнов А. О. и ещё 1)" in page
    # Someone who may not open the case learns nothing from the link's target.
    client.force_login(cast.analyst)
    page = client.get(reverse("notifications")).content.decode()
    assert "Случай ждёт решения" in page and "Смирнов" not in page and case.journal_number not in page


def test_the_safety_notice_is_written_text_first_with_the_recipients_folded(client, cast, make_case):
    case = make_case(upto=S.SCREENING)
    client.force_login(cast.facilitator)
    page = client.get(reverse("case_notice_new", args=[case.code])).content.decode()
    text, details, checkbox = page.index('name="content"'), page.index("<details"), page.index('name="recipients"')
    assert text < details < checkbox
    summary = page[page.index("Получатели:</strong>"):details]
    assert "Опека Гагарин" in summary and "уровень T4" not in page
