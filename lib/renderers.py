"""A form renderer that writes the commonest widgets (inputs, selects and their options) in Python.

Django renders every <option> of a <select> through its own template include; a filter form with a few hundred
options costs more CPU than the rest of a busy page. The HTML here is what Django's own widget templates
produce (django/forms/templates/django/forms/widgets/{input,select,select_option,attrs}.html), escaped the same
way; every other widget still renders from its template."""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

INPUTS = {f"django/forms/widgets/{kind}.html" for kind in (
    "input", "text", "number", "email", "url", "password", "date", "search", "tel", "hidden")}
SELECTS = {"django/forms/widgets/select.html"}


def _attrs(attrs):
    out = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _option(option):
    return f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>' \
           f'{conditional_escape(option["label"])}</option>'


def render_select(widget):
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        parts.extend(_option(option) for option in options)
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    # Every value above is escaped.
    return mark_safe("\n".join(parts))  # nosec B308, B703


def render_input(widget):
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    # Every value is escaped.
    return mark_safe(  # nosec B308, B703
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f'{value}{_attrs(widget["attrs"])}>')


class FastRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in SELECTS:
            return render_select(context["widget"])
        if template_name in INPUTS:
            return render_input(context["widget"])
        return super().render(template_name, context, request)
