from django.contrib import messages
from django.db import transaction

from .errors import ActionError


def run_action(request, action, success, form=None):
    """Run an action; on refusal keep the user's input and show the reason. Returns the result or None."""
    try:
        with transaction.atomic():
            result = action()
    except ActionError as error:
        if form is not None:
            form.add_error(None, str(error))
        else:
            messages.error(request, str(error))
        return None
    messages.success(request, success)
    return result if result is not None else True
