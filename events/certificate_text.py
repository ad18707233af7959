"""The certificate text an organiser writes: plain lines with a small, fixed set of placeholders — never HTML, never
template code. The project turns it into escaped HTML.

Rules (shown to the organiser beside the field):
- each line is a paragraph; an empty line is a gap;
- a line starting with ``# `` is the heading;
- ``**text**`` is bold, ``_text_`` is italic;
- ``{{ holder }}`` and the other placeholders below are replaced by the certificate's values (escaped);
- a line whose placeholders are all empty is left out, and commas left dangling by an empty value are removed;
- a word written for either sex, «принял(а)», «прошёл(ла)», agrees with the holder («принял», «приняла») when
  the name and patronymic tell the sex (pymorphy3; «-вна/-чна» and «-вич/-ич» decide first) and stays as
  written when they do not;
- quotes inside quotes are nested the Russian way: «Семинар „Медиация“», straight quotes become «».

Anything else in braces, and any ``<tag>``, is refused when the text is saved.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PLACEHOLDERS = {
    "number": gettext_lazy("certificate number"),
    "holder": gettext_lazy("surname, name, patronymic of the participant"),
    "position": gettext_lazy("position"),
    "agency": gettext_lazy("agency"),
    "event": gettext_lazy("title of the event"),
    "dates": gettext_lazy("dates of the event"),
    "hours": gettext_lazy("training hours"),
}
MAX_CHARS = 3000
MAX_LINES = 40

DEFAULT = """# СВИДЕТЕЛЬСТВО
№ {{ number }}
удостоверяет, что
{{ holder }}
{{ position }}, {{ agency }}
принял(а) участие в мероприятии
«{{ event }}»
{{ dates }}, {{ hours }} ак. ч."""

_PLACEHOLDER = re.compile(r"{{\s*([a-z_]+)\s*}}")
_BRACES = re.compile(r"{[{%#]|[}%#]}")
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!?]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![\w])_(.+?)_(?![\w])")


def problems(text):
    """Russian messages of what is wrong with the text (empty when it can be saved)."""
    found = []
    if len(text) > MAX_CHARS:
        found.append(_("The certificate text is longer than %(n)s characters.") % {"n": MAX_CHARS})
    if len(text.splitlines()) > MAX_LINES:
        found.append(_("The certificate text has more than %(n)s lines.") % {"n": MAX_LINES})
    if _TAG.search(text):
        found.append(_("The certificate text is plain text: HTML tags are not allowed."))
    unknown = sorted({name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        found.append(_("Unknown values: %(names)s. Allowed: %(allowed)s.") % {
            "names": ", ".join("{{ " + name + " }}" for name in unknown), "allowed": allowed()})
    if _BRACES.search(_PLACEHOLDER.sub("", text)):
        found.append(_("Only the values %(allowed)s may be written in braces; commands such as {%% if %%} "
                       "are not allowed.") % {"allowed": allowed()})
    return found


def allowed():
    return ", ".join("{{ " + name + " }}" for name in PLACEHOLDERS)


def _inline(escaped):
    return _ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", escaped))


def _empty(segment, values):
    names = _PLACEHOLDER.findall(segment)
    return bool(names) and not any(str(values.get(name, "") or "").strip() for name in names)


def _line_html(line, values):
    # A comma-separated part whose values are all empty is left out: "{{ position }}, {{ agency }}" without a
    # position reads "agency"; "{{ dates }}, {{ hours }} ак. ч." without hours reads "dates".
    line = ",".join(part for part in line.split(",") if not _empty(part, values)).strip(" ,")
    # Values stand in as markers while bold/italic apply to the typed text, so a value is only ever escaped
    # (a participant called "**x**" stays as typed).
    values_html = []

    def mark(match):
        values_html.append(escape(str(values.get(match.group(1), "") or "")))
        return f"\x00{len(values_html) - 1}\x00"

    html = _inline(escape(_PLACEHOLDER.sub(mark, line.replace("\x00", ""))))
    return re.sub("\x00(\\d+)\x00", lambda m: values_html[int(m.group(1))], html)


FEMALE, MALE = "f", "m"
_EITHER = re.compile(r"\b(\w+?)(ё?л)\((а|ла)\)", re.U)
_STRAIGHT = re.compile(r"&quot;(.+?)&quot;")


def holder_sex(full_name):
    """FEMALE, MALE or None from «Фамилия Имя Отчество»: the patronymic first, then the first name's gender."""
    words = (full_name or "").split()
    if len(words) >= 3:
        patronymic = words[2].lower()
        if patronymic.endswith(("вна", "чна", "кызы", "гызы")):
            return FEMALE
        if patronymic.endswith(("вич", "ич", "оглы", "улы", "уулу")):
            return MALE
    if len(words) >= 2:
        from people.matching.text import morph  # loads the pymorphy3 dictionary: only when a name needs it

        for parse in morph().parse(words[1]):
            if "Name" in parse.tag and parse.tag.gender in ("femn", "masc"):
                return FEMALE if parse.tag.gender == "femn" else MALE
    return None


def agree(text, sex):
    """«принял(а)» → «принял» or «приняла»; «прошёл(ла)» → «прошёл» or «прошла»; unchanged if sex is None."""
    if sex is None:
        return text

    def one(match):
        stem, ending, feminine = match.groups()
        if sex == MALE:
            return stem + ending
        return stem + ("ла" if ending == "ёл" else ending + "а") if feminine == "а" else stem + "ла"

    return _EITHER.sub(one, text)


def nest_quotes(html):
    """Straight quotes become «», and quotes inside quotes „“, as Russian typesetting has them."""
    html = _STRAIGHT.sub(r"«\1»", html)
    out, depth = [], 0
    for char in html:
        if char == "«":
            depth += 1
            out.append("„" if depth > 1 else "«")
        elif char == "»" and depth:
            out.append("“" if depth > 1 else "»")
            depth -= 1
        else:
            out.append(char)
    return "".join(out)


def to_html(text, values):
    """Escaped HTML of the text with the values put in. Values are plain strings and are escaped too."""
    text = agree(text, holder_sex(str(values.get("holder", ""))))
    parts = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            parts.append('<p class="gap"></p>')
            continue
        heading = line.startswith("# ")
        if heading:
            line = line[2:].strip()
        if _empty(line, values):
            continue
        names = _PLACEHOLDER.findall(line)
        html = nest_quotes(_line_html(line, values))
        only = len(names) == 1 and not _PLACEHOLDER.sub("", line).strip(" «»\"№.,")
        if heading:
            parts.append(f"<h1>{html}</h1>")
        elif only:
            parts.append(f'<p class="{names[0]}">{html}</p>')
        else:
            parts.append(f"<p>{html}</p>")
    # Every piece above is escaped or a fixed tag of this function.
    return mark_safe("\n".join(parts))  # nosec B308 B703


def from_legacy(template):
    """Best-effort plain text of an old HTML/template certificate text (the migration uses it); the default if
    the result still is not acceptable."""
    text = re.sub(r"{%\s*(if|endif|else)[^%]*%}", "", template)
    text = re.sub(r"<h1[^>]*>(.*?)</h1>", lambda m: f"\n# {m.group(1)}\n", text, flags=re.S)
    text = re.sub(r"<\s*(strong|b)\s*>(.*?)</\s*\1\s*>", r"**\2**", text, flags=re.S)
    text = re.sub(r"<\s*(em|i)\s*>(.*?)</\s*\1\s*>", r"_\2_", text, flags=re.S)
    text = re.sub(r"</p>|<br\s*/?>", "\n", text)
    text = re.sub(r"<[^>]*>", "", text)
    text = re.sub(r"{{\s*(\w+)\s*\|[^}]*}}", r"{{ \1 }}", text)
    text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    return text if text and not problems(text) else DEFAULT
