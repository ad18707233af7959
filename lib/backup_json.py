"""Django's JSON serialization, with times kept to the microsecond.

Django's JSON encoder writes datetimes and times in ECMA-262 form, cut to milliseconds; a backup restored from it
would silently differ from the database it was made of (tests/test_backup.py compares every field of every
row). This format (settings.SERIALIZATION_MODULES["backup"]) writes them in full ISO 8601 and reads them back with
Django's own JSON deserializer."""

import datetime

from django.core.serializers.json import Deserializer  # noqa: F401 - the format's reader, unchanged
from django.core.serializers.json import Serializer as JSONSerializer


class Serializer(JSONSerializer):
    def _value_from_field(self, obj, field):
        value = super()._value_from_field(obj, field)
        if isinstance(value, (datetime.datetime, datetime.time)):
            return value.isoformat()
        return value
