"""Answers signed before the referral held its own copy (referrals.SentAnswer): written once from the signed reports.

It calls today's action on today's models, not the historical ones, because the documents are rendered by the
application's templates; a database migrated past this point never runs it again."""

from django.db import migrations
from django.utils import translation


def write_sent_answers(apps, schema_editor):
    signed = apps.get_model("cases", "OutcomeReport").objects.filter(signed_at__isnull=False)
    if not signed.exists():  # a new database: nothing to copy, and today's code is not needed
        return
    from cases.actions import send_answer
    from cases.models import Case

    with translation.override("ru"):
        for case in Case.objects.filter(report__signed_at__isnull=False, referral__answer__isnull=True,
                                        depersonalised_at__isnull=True).select_related("report", "service", "referral"):
            send_answer(case)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0011_agreementitem_kind_meeting_network_attendees_and_more"),
        ("referrals", "0008_sent_answer"),
    ]

    operations = [migrations.RunPython(write_sent_answers, migrations.RunPython.noop)]
