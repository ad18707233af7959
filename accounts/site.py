"""The region's settings as the code reads them: the administrator's value (RegionSettings), else the
environment's (OPENDOOR_BASE_URL, OPENDOOR_REMINDER_HOUR). Read through the shared cache for a minute; saving
clears it, so a change shows in the next e-mail or document."""

from django.conf import settings
from django.core.cache import cache

from .models import RegionSettings

KEY = "region-settings"


def _row():
    found = cache.get(KEY)
    if found is None:
        row = RegionSettings.objects.order_by("pk").first()
        found = {"base_url": row.base_url if row else "", "reminder_hour": row.reminder_hour if row else None}
        cache.set(KEY, found, 60)
    return found


def forget():
    cache.delete(KEY)


def base_url():
    return (_row()["base_url"] or settings.OPENDOOR_BASE_URL).rstrip("/")


def reminder_hour():
    hour = _row()["reminder_hour"]
    return settings.OPENDOOR_REMINDER_HOUR if hour is None else hour
