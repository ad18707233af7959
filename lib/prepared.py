"""Querysets compiled to SQL once per database connection, then run with other values — like prepared statements.

Django builds and compiles a queryset's SQL on every evaluation; for the dozen small queries of a case file that
costs more than the database spends running them. `Prepared(build)` is called with the keyword arguments of
`build`: the first call per connection and argument shape calls `build` with sentinel values, compiles it and
records where each sentinel landed among the SQL parameters; later calls bind the real values there and let
Django's own iterable turn the rows into model instances (select_related and prefetch_related included).
`build` stays the one definition of the query, and the result is a list. A plan is kept per argument shape and
shared by the process's threads; each run goes through the calling thread's own connection.

Arguments may be ints, strings or lists of them; LIMIT and OFFSET must be constants in `build` (Django writes them
into the SQL text), and `build` must not branch on the values beyond what the shape (list lengths, None) tells."""

import copy
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections

_FIRST_SENTINEL = 987_654_321_000


@dataclass(frozen=True)
class _Slot:
    name: str
    index: int | None = None  # the position in a list argument


class Prepared:
    def __init__(self, build):
        self.build = build
        self.plans = {}

    def __call__(self, **values):
        shape = tuple(sorted((name, _shape(value)) for name, value in values.items()))
        plan = self.plans.get(shape)
        if plan is None:
            plan = self.plans[shape] = self._plan(values)
        if plan is _EMPTY:
            return []
        queryset, compiler, sql, slots = plan
        params = tuple(_value(slot, values) for slot in slots)
        frozen = copy.copy(compiler)
        frozen.connection = connections[DEFAULT_DB_ALIAS]  # this thread's connection; the plan keeps none
        frozen.as_sql = lambda *args, **kwargs: (sql, params)
        run = queryset._chain()
        run.query.get_compiler = lambda *args, **kwargs: frozen
        return list(run)

    def _plan(self, values):
        sentinels, slots_by_value, numbers = {}, {}, iter(range(_FIRST_SENTINEL, _FIRST_SENTINEL + 10_000))
        for name, value in values.items():
            if isinstance(value, (list, tuple)):
                sentinels[name] = [_sentinel(item, next(numbers)) for item in value]
                slots_by_value.update({sentinel: _Slot(name, i) for i, sentinel in enumerate(sentinels[name])})
            elif value is None:
                sentinels[name] = None
            else:
                sentinels[name] = _sentinel(value, next(numbers))
                slots_by_value[sentinels[name]] = _Slot(name)
        queryset = self.build(**sentinels).using(DEFAULT_DB_ALIAS)
        compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _EMPTY
        slots = [slots_by_value.get(param, _Constant(param)) if _hashable(param) else _Constant(param)
                 for param in params]
        missing = set(slots_by_value.values()) - set(slots)
        if missing:  # a value Django converted or wrote into the SQL text: binding it later would be wrong
            raise ValueError(f"not bound as SQL parameters: {sorted({slot.name for slot in missing})}")
        compiler.connection = None  # a plan outlives the thread that compiled it
        return queryset, compiler, sql, slots


def _sentinel(value, number):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise TypeError(f"Prepared takes ints, strings and lists of them, not {type(value).__name__}")
    return number if isinstance(value, int) else f"\u2063prepared-{number}"


@dataclass(frozen=True)
class _Constant:
    value: object


_EMPTY = object()


def _shape(value):
    if isinstance(value, (list, tuple)):
        return len(value)
    return None if value is None else type(value).__name__


def _value(slot, values):
    if isinstance(slot, _Constant):
        return slot.value
    value = values[slot.name]
    return value if slot.index is None else value[slot.index]


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True
