"""What a deployment must have before it may hold children's data. Settings call ``refuse_unsafe`` when neither
debug nor the demo is switched on explicitly; the server, the worker and every management command then stop with
the list of what to fix. ``manage.py check --deploy`` adds the same list and refuses the demo mode itself.

Messages here are for the operator at start-up, before translations are loaded, so they are written in Russian
directly (with the setting's name, which is the same in every language).
"""

import ipaddress
from urllib.parse import urlsplit

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


def refuse_unsafe(**values):
    from django.core.exceptions import ImproperlyConfigured

    found = problems(**values)
    if found:
        raise ImproperlyConfigured(
            "«Открытая дверь» не запущена: настройки небезопасны для работы с персональными данными.\n  - "
            + "\n  - ".join(found)
            + "\nДля демонстрации на своём компьютере задайте OPENDOOR_DEMO=true (так делает make run).")


def deploy_check(app_configs=None, **kwargs):
    """``manage.py check --deploy``: the demo mode and every unsafe setting are errors, not warnings."""
    from django.conf import settings
    from django.core.checks import Error

    errors = [Error(text, id="opendoor.E001") for text in problems(
        secret_key=settings.SECRET_KEY, base_url=settings.OPENDOOR_BASE_URL,
        secure_cookies=settings.SESSION_COOKIE_SECURE, allowed_hosts=settings.ALLOWED_HOSTS,
        audit_key=settings.OPENDOOR_AUDIT_KEY)]
    if settings.DEMO:
        errors.append(Error("OPENDOOR_DEMO=true: демонстрационный режим нельзя разворачивать для работы",
                            id="opendoor.E002"))
    return errors
