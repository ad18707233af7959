class ActionError(Exception):
    """A refused action; the message is already translated and safe to show to the user."""
