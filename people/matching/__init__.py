"""Russian-aware person matching: one module used by the registry look-up, find_duplicates and match_csv."""

from .batch import THRESHOLD, blocking_keys, match
from .records import Parsed, parse, parse_date
from .score import compare

__all__ = ["THRESHOLD", "Parsed", "blocking_keys", "compare", "match", "parse", "parse_date"]
