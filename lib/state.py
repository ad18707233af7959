from django.utils.translation import gettext as _

from .errors import ActionError


def check_transition(table, choices, current, target):
    """Refuse a move that the transition table next to the status enum does not list."""
    if target not in table.get(current, set()):
        labels = dict(choices)
        raise ActionError(
            _("This step is not possible now: «%(current)s» cannot become «%(target)s».")
            % {"current": labels.get(current, current), "target": labels.get(target, target)}
        )
