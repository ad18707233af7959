"""What happened to a referral that a higher layer may react to (the API's webhooks): sent by the referral's and
the case's actions, received by whoever registers in its AppConfig.ready(). The sender never imports the receiver."""

from django.dispatch import Signal

# Sent inside the action's transaction with referral= and event= ("referral.status", "referral.report").
referral_changed = Signal()
