"""Database functions written per database, so the aggregation stays in native SQL (no Python callbacks
that Django would otherwise register on SQLite for date arithmetic)."""

import datetime

from django.db.models import CharField, FloatField, Func


class DaysBetween(Func):
    """later - earlier in days, as a float; works for dates and for timestamps."""

    output_field = FloatField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))",
                           arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # Dates subtract to whole days and timestamps to intervals; as timestamps both give an interval.
        return self.as_sql(compiler, connection,
                           template="(EXTRACT(EPOCH FROM (CAST(%(expressions)s AS timestamp))) / 86400.0)",
                           arg_joiner=" AS timestamp) - CAST(", **extra)


class MonthStart(Func):
    """The first day of the month as text YYYY-MM-01 (parsed back to a date by month_start_date)."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="strftime('%%%%Y-%%%%m-01', %(expressions)s)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM-01')", **extra)


def month_start_date(text):
    return datetime.date.fromisoformat(text)
