"""Changes of the grant indicators: each in one transaction with its audit row."""

from django.db import transaction

from audit import log


@transaction.atomic
def add_indicator(*, actor, form, service_id):
    indicator = form.save(commit=False)
    indicator.service_id = service_id
    indicator.save()
    log.record(actor, "indicator.create", indicator, fields=sorted(form.changed_data))
    return indicator


@transaction.atomic
def add_indicator_period(*, actor, form):
    period = form.save()
    log.record(actor, "indicator.period", period, fields=sorted(form.changed_data))
    return period
