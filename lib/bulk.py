"""Bulk loading without model instances: rows as tuples, COPY on PostgreSQL, one executemany on SQLite.

For synthetic national-scale data (`generate_load`) and the person registry's keys. Nothing here runs model
validation, signals or save(): callers write rows the actions would have written. Columns left out get the
field's default (a callable default such as a random code is called per row), so every NOT NULL column is set."""

import json

from django.db import connection


def new_ids(model, count):
    """Primary keys for `count` new rows, taken from the table's sequence (PostgreSQL) or after the largest id
    (SQLite, which has one writer at a time)."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                           [table, count])
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")  # nosec B608
        start = (cursor.fetchone()[0] or 0) + 1
        return list(range(start, start + count))


def insert_rows(model, columns, rows):
    """Insert rows (tuples in the order of `columns`, field names; `id` included when the caller allocated keys).
    Dates and datetimes are Python values; JSON fields take their text (json.dumps)."""
    meta = model._meta
    given = [meta.get_field(name) for name in columns]
    rest = [f for f in meta.concrete_fields if f.name not in columns and not f.primary_key]
    fixed = tuple(_default(f) for f in rest)
    calls = [i for i, f in enumerate(rest) if f.has_default() and callable(f.default)]
    fields = given + rest
    sqlite_datetimes = [i for i, f in enumerate(fields)
                        if connection.vendor != "postgresql" and f.get_internal_type() == "DateTimeField"]

    def full(row):
        extra = list(fixed)
        for i in calls:
            extra[i] = _text(rest[i], rest[i].default())
        out = (*row, *extra)
        if sqlite_datetimes:
            out = list(out)
            for i in sqlite_datetimes:
                out[i] = connection.ops.adapt_datetimefield_value(out[i])
        return out

    quote = connection.ops.quote_name
    table, names = quote(meta.db_table), ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(full(row))
        else:
            marks = ", ".join(["%s"] * len(fields))
            # Only a model's own table and column names are formatted in; the values are bound.
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # nosec B608
            cursor.executemany(sql, [full(row) for row in rows])


def _default(field):
    if field.has_default():
        return None if callable(field.default) else _text(field, field.default)
    if field.null:
        return None
    if field.get_internal_type() in ("CharField", "TextField", "EmailField", "URLField", "SlugField"):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.name} has no default: give it a value")


def _text(field, value):
    return json.dumps(value) if field.get_internal_type() == "JSONField" else value
