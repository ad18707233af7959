"""Tables of rows that grow and shrink: the persons of a referral, the items of an agreement.

A table is a formset with no fixed size. With JavaScript (static/js/site.js) «Добавить строку» clones the
formset's empty form and «Удалить» clears and hides a row, all in the page. Without JavaScript both are submit
buttons: the page comes back with what was typed so far, one row more or one row fewer, nothing saved and no
error shown yet. A row left empty is ignored when the form is finally saved, so clearing a row removes it.
"""

from django import forms
from django.utils.datastructures import MultiValueDict

ADD = "add_row"
REMOVE = "remove_row"


def growing(form, *, max_num):
    """A formset class of `form` rows, at most `max_num` of them (enforced on submit, not only in the page)."""
    return forms.formset_factory(form, extra=0, min_num=0, max_num=max_num, validate_max=True, absolute_max=max_num)


def edit_requested(request):
    """Whether this POST only adds or removes a row (and must not save)."""
    return request.method == "POST" and (ADD in request.POST or REMOVE in request.POST)


def _typed(form):
    return {name: form[name].value() for name in form.fields}


def unbind(form):
    """The form shown again with what was typed, as if freshly opened: no errors until it is submitted."""
    if not form.is_bound:
        return form
    form.initial = _typed(form)
    form.is_bound = False
    form.data, form.files = MultiValueDict(), MultiValueDict()
    form._errors = None
    form._bound_fields_cache = {}
    return form


def edit(formset, request, *, new_row=None):
    """The formset after an add or remove button: the typed rows kept, one row added or the chosen one dropped."""
    if not edit_requested(request) or not formset.is_bound:
        return formset
    rows = [_typed(form) for form in formset.forms]  # a tampered management form counts no rows
    prefix = formset.prefix
    if request.POST.get(ADD) == prefix and len(rows) < formset.max_num:
        rows.append(dict(new_row or {}))
    removed = request.POST.get(REMOVE, "")
    if removed.startswith(prefix + "-"):
        index = removed.removeprefix(prefix + "-")
        if index.isdigit() and int(index) < len(rows):
            del rows[int(index)]
    return type(formset)(prefix=prefix, initial=rows, form_kwargs=formset.form_kwargs)
