import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opendoor.settings")
application = get_wsgi_application()

# gunicorn runs no system checks: an unsafe production configuration stops the application here, before it serves.
from core.production import refuse_unsafe  # noqa: E402

refuse_unsafe()
