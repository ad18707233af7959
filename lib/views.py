from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .errors import ActionError


def run_action(request, action, success, form=None):
    """Run an action; on refusal keep the user's input and show the reason. Returns the result or None."""
    try:
        with transaction.atomic():
            result = action()
    except ActionError as error:
        if form is not None:
            form.add_error(None, str(error))
            if hasattr(error, "current") and hasattr(form, "show_conflict"):
                form.show_conflict(error)
        else:
            messages.error(request, str(error))
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: on a national journal an exact count of a broad filter costs more than the
    whole page. Beyond the cap the page says «more than …» and asks to narrow the filters."""

    cap = 1000

    def __init__(self, object_list, per_page, *, counted=None, **kwargs):
        """counted: the same rows without the joins that only serve displayed columns, if object_list has them."""
        super().__init__(object_list, per_page, **kwargs)
        self.counted = object_list if counted is None else counted

    @cached_property
    def count(self):
        # Without the ordering the database stops after cap + 1 rows instead of sorting all matches first.
        return self.counted.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self):
        return self.count > self.cap


def preview_then_apply(request, form, *, key, read, keep, apply, again):
    """An upload in two steps: the file is read and shown with an error per row, the rows that may be written are
    kept in the session, and a second POST («confirm») writes them. Returns (response, rows): a response when the
    request is answered here (applied, or the preview expired), else the rows to show (None before an upload)."""

    if request.method == "POST" and "confirm" in request.POST:
        stored = request.session.pop(key, None)
        if not stored:
            messages.error(request, _("The preview has expired. Upload the file again."))
            return redirect(again), None
        return apply(stored), None
    if request.method == "POST" and form.is_valid():
        try:
            rows = read(form.cleaned_data["file"])
        except ActionError as error:
            form.add_error("file", str(error))
            return None, None
        request.session[key] = keep(rows)
        return None, rows
    return None, None
