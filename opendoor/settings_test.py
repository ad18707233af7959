"""Settings of the test suite: the demo mode (a built-in key, no https), set before the settings are read."""

import os

os.environ.setdefault("OPENDOOR_DEMO", "true")

from .settings import *  # noqa: E402,F403
