"""Matching a whole set of records: blocking keys bring likely pairs together, then every pair is scored."""

import multiprocessing
import os
from collections import defaultdict

from . import text
from .records import Parsed, canonical_names, shortest_key
from .score import Frequencies, compare

THRESHOLD = 0.5
MAX_BLOCK = 300  # a key shared by more records than this says too little to compare them all


def _date_key(record: Parsed):
    day = record.birth_date
    if not day:
        return None
    low, high = sorted((day.day, day.month))
    return f"{day.year}-{low}-{high}"  # swapped day and month give the same key


def main_surname_key(record: Parsed):
    return shortest_key(record.surname_keys)


def _token(word: str, record: Parsed, is_name: bool):
    """The same token for a word in the surname field or in the first-name field (swapped fields meet)."""
    groups = text.name_groups(word) if word else frozenset()
    if groups:
        return text.fold(min(canonical_names(groups, record.sex)))
    if is_name and not word:
        return record.initial
    return shortest_key(text.surname_keys(word))


def blocking_keys(record: Parsed):
    """Keys under which a duplicate with any one kind of noise still meets this record.

    - date of birth (day and month in either order) with the surname, or the first name, or the patronymic:
      catches typos in any one of the names, a changed surname and swapped surname and first name;
    - surname, first name and patronymic: catches any error in the date of birth or a missing date;
    - surname, first name and year: catches a missing or misspelt patronymic with a one-digit date error;
    - first name, patronymic and year: catches a misspelt or changed surname with a date error.
    """
    keys = set()
    date = _date_key(record)
    surname = main_surname_key(record)
    name = record.name_key()
    if date:
        for token in (surname, name, record.patronymic, record.name_folded):
            if token:
                keys.add(f"d:{date}:{token}")
    if surname and name:
        # The same key when surname and first name are swapped.
        pair = ":".join(sorted((_token(record.surname, record, False), _token(record.name, record, True))))
        keys.add(f"n:{pair}:{record.patronymic or record.patronymic_initial}")
        if record.birth_date:
            keys.add(f"y:{pair}:{record.birth_date.year}")
        else:
            keys.add(f"s:{pair}")
    if surname and record.initial and record.birth_date:
        keys.add(f"i:{surname}:{text.fold(record.initial)}:{record.birth_date.year}")  # Ivanov A. with a date error
    if name and record.patronymic and record.birth_date:
        keys.add(f"p:{name}:{record.patronymic}:{record.birth_date.year}")  # a typo in the surname and the date
    return keys


def _blocks(records):
    blocks = defaultdict(list)
    for index, record in enumerate(records):
        for key in blocking_keys(record):
            blocks[key].append(index)
    return [members for members in blocks.values() if 1 < len(members) <= MAX_BLOCK]


def candidate_pairs(records, blocks=None, shard=0, shards=1):
    """Pairs of record indices sharing a blocking key; with shards, only those whose first index falls in this
    shard (so workers split the work without talking to each other)."""
    pairs = set()
    for members in blocks if blocks is not None else _blocks(records):
        for i, first in enumerate(members):
            if first % shards != shard:
                continue
            for second in members[i + 1:]:
                pairs.add((first, second))
    return pairs


_SHARED = {}  # what forked workers read (copy-on-write), set just before the pool starts


def _score_shard(shard):
    records, blocks, frequencies, threshold, shards = (
        _SHARED[k] for k in ("records", "blocks", "frequencies", "threshold", "shards"))
    population = len(records)
    links = {}
    for i, j in candidate_pairs(records, blocks, shard, shards):
        probability, why = compare(records[i], records[j], frequencies, population)
        if probability >= threshold:
            links[(i, j)] = (probability, why)
    return links


PARALLEL_FROM = 50_000  # below this a second process costs more than it saves


def match(records, threshold=THRESHOLD, reasons=False, workers=None):
    """Yield (ident1, ident2, probability[, reasons]) for every pair judged to be the same person."""
    records = list(records)
    workers = workers or (os.cpu_count() or 1)
    if len(records) < PARALLEL_FROM or "fork" not in multiprocessing.get_all_start_methods():
        workers = 1
    _SHARED.update(records=records, blocks=_blocks(records), frequencies=Frequencies.of(records),
                   threshold=threshold, shards=workers)
    try:
        if workers == 1:
            links = _score_shard(0)
        else:
            links = {}
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for part in pool.imap_unordered(_score_shard, range(workers)):
                    links.update(part)
    finally:
        _SHARED.clear()
    frequencies = Frequencies.of(records)

    def differ(i, j):
        """Shown to be two persons: different dates of birth, names or sex."""
        return bool(DIFFERENT & set(compare(records[i], records[j], frequencies, len(records))[1]))

    for (i, j), (probability, why) in _closure(links, differ).items():
        yield (records[i].ident, records[j].ident, probability, why) if reasons else (
            records[i].ident, records[j].ident, probability)


DIFFERENT = {"birth_date_differs", "name_differs", "sex_differs"}


def _closure(links, differ, largest=4):
    """Complete small groups: A~B and B~C make A~C (one person written three ways), scored by the weaker link.
    Groups larger than `largest` are left as found, so one wrong link cannot chain strangers together, and a pair
    shown to be two persons (a record without a date linked to two namesakes) is not completed."""
    parent = {}

    def root(x):
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for i, j in links:
        parent.setdefault(i, i)
        parent.setdefault(j, j)
        parent[root(i)] = root(j)
    groups = defaultdict(list)
    for x in parent:
        groups[root(x)].append(x)
    by_group = defaultdict(list)
    for pair, found in links.items():
        by_group[root(pair[0])].append(found)
    completed = dict(links)
    for group, members in groups.items():
        if not 2 < len(members) <= largest:
            continue
        weakest = min(by_group[group])  # (probability, reasons) of the weakest link
        members.sort()
        for a_index, a in enumerate(members):
            for b in members[a_index + 1:]:
                if (a, b) not in completed and not differ(a, b):
                    completed[(a, b)] = (weakest[0], ["transitive", *weakest[1]])
    return completed
