"""What a deployment must have before it may hold children's data. When neither debug nor the demo is switched on
explicitly, the WSGI application (gunicorn) refuses to load and every command that runs Django's system checks
(runserver, migrate, run_worker, check …) stops with the list of what to fix (``startup_check``). Commands that only
read the code (makemigrations --check, compilemessages) still run. ``manage.py check --deploy`` adds the same list
and refuses the demo mode itself.

Messages here are for the operator at start-up, before translations are loaded, so they are written in Russian
directly (with the setting's name, which is the same in every language).
"""

import ipaddress
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured

DEMO_SECRET_KEY = "demo-only-secret-key-not-for-production-use-0123456789"  # nosec B105 (refused in production)


def _loopback(host):
    if host in {"localhost", ""} or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def problems(*, secret_key, base_url, secure_cookies, allowed_hosts, audit_key="x" * 40):
    found = []
    if not secret_key or secret_key == DEMO_SECRET_KEY or len(secret_key) < 40 or len(set(secret_key)) < 10:
        found.append("OPENDOOR_SECRET_KEY: задайте длинный случайный ключ (не короче 40 знаков), "
                     "например: python -c 'import secrets; print(secrets.token_urlsafe(50))'")
    parts = urlsplit(base_url or "")
    if parts.scheme != "https" or _loopback(parts.hostname or ""):
        found.append(f"OPENDOOR_BASE_URL={base_url!r}: нужен публичный адрес системы по https "
                     "(он попадает в письма и в QR-коды свидетельств)")
    if not secure_cookies:
        found.append("OPENDOOR_SECURE_COOKIES=true: cookies входа передаются только по https")
    if len(audit_key or "") < 32 or audit_key == secret_key:
        found.append("OPENDOOR_AUDIT_KEY: задайте отдельный случайный ключ журнала аудита (не короче 32 знаков, "
                     "не равный OPENDOOR_SECRET_KEY); храните его копию вне сервера базы данных")
    if not allowed_hosts or all(_loopback(host) for host in allowed_hosts):
        found.append("OPENDOOR_ALLOWED_HOSTS: укажите имя сервера, по которому к системе обращаются пользователи")
    return found


CODE_ONLY_COMMANDS = {"makemigrations", "makemessages", "compilemessages", "collectstatic", "help"}
HEADLINE = "«Открытая дверь» не запущена: настройки небезопасны для работы с персональными данными."
DEMO_HINT = "Для демонстрации на своём компьютере задайте OPENDOOR_DEMO=true (так делает make run)."


def _current():
    settings.DEBUG  # noqa: B018 (loads the settings; an empty SECRET_KEY is read below without Django's own error)
    return problems(secret_key=settings._wrapped.SECRET_KEY, base_url=settings.OPENDOOR_BASE_URL,
                    secure_cookies=settings.SESSION_COOKIE_SECURE, allowed_hosts=settings.ALLOWED_HOSTS,
                    audit_key=settings.OPENDOOR_AUDIT_KEY)


def _production():
    return not (settings.DEBUG or settings.DEMO)


def refuse_unsafe():
    """Called by the WSGI application before it serves anything (gunicorn runs no system checks)."""

    found = _current() if _production() else []
    if found:
        raise ImproperlyConfigured(HEADLINE + "\n  - " + "\n  - ".join(found) + "\n" + DEMO_HINT)


def startup_check(app_configs=None, **kwargs):
    """A system check: in production every unsafe setting is an error, so runserver, migrate, the worker and
    `check` stop with the list."""
    # Commands that read only the code, never the region's data, run anywhere (a schema check in CI, translations).
    command = sys.argv[1] if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") else ""
    if not _production() or command in CODE_ONLY_COMMANDS:
        return []
    return [Error(f"{HEADLINE} {text}", hint=DEMO_HINT, id="opendoor.E000") for text in _current()]


def deploy_check(app_configs=None, **kwargs):
    """``manage.py check --deploy``: the demo mode and every unsafe setting are errors, not warnings."""

    errors = [] if _production() else [Error(text, id="opendoor.E001") for text in _current()]
    if settings.DEMO:
        errors.append(Error("OPENDOOR_DEMO=true: демонстрационный режим нельзя разворачивать для работы",
                            id="opendoor.E002"))
    return errors
