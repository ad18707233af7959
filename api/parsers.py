"""The API's JSON parser: the input layer (lib/validation.py) at the door. A body is bounded in size and in nesting
depth before it is parsed (a body nested 5,000 deep would exhaust the interpreter's recursion), and every string in
it is cleaned of control and direction-override characters before any serializer sees it."""

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from lib.validation import clean_text

MAX_DEPTH = 20
MAX_BYTES = 1024 * 1024


def nesting_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects, counted without parsing (brackets inside strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def cleaned(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [cleaned(item) for item in value]
    if isinstance(value, dict):
        return {clean_text(key): cleaned(item) for key, item in value.items()}
    return value


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read(MAX_BYTES + 1) if stream is not None else b""
        if len(raw) > MAX_BYTES:
            raise ParseError(_("The request body is larger than %(kb)s KB.") % {"kb": MAX_BYTES // 1024})
        if nesting_depth(raw) > MAX_DEPTH:
            raise ParseError(_("The request body is nested deeper than %(n)s levels.") % {"n": MAX_DEPTH})
        try:
            data = json.loads(raw.decode(settings.DEFAULT_CHARSET), parse_constant=_refuse_constant)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise ParseError(_("The request body is not valid JSON.")) from None
        return cleaned(data)


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON")
