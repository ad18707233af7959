"""Production settings pass Django's deployment checks; error pages carry no personal data."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import path

from cases.models import CaseStatus
from opendoor.urls import urlpatterns as project_urls


def test_check_deploy_is_clean_under_production_settings():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**env, "OPENDOOR_DEMO": "false", "OPENDOOR_SECRET_KEY": "pR0d-Zx9#" + "abcdefghij" * 5,
           "OPENDOOR_AUDIT_KEY": "aUd1t-" + "klmnopqrst" * 4,
           "OPENDOOR_SECURE_COOKIES": "true", "OPENDOOR_ALLOWED_HOSTS": "opendoor.example.ru",
           "OPENDOOR_BASE_URL": "https://opendoor.example.ru", "DATABASE_URL": ""}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


PRODUCTION = {"OPENDOOR_DEMO": "false", "OPENDOOR_DEBUG": "false",
              "OPENDOOR_SECRET_KEY": "pR0d-Zx9#" + "abcdefghij" * 5,
              "OPENDOOR_AUDIT_KEY": "aUd1t-" + "klmnopqrst" * 4,
              "OPENDOOR_SECURE_COOKIES": "true", "OPENDOOR_ALLOWED_HOSTS": "opendoor.example.ru",
              "OPENDOOR_BASE_URL": "https://opendoor.example.ru", "DATABASE_URL": ""}


def manage(env, *args):
    # Only what the test gives: the suite's own OPENDOOR_* (the demo mode of opendoor/settings_test.py) is dropped.
    base = {k: v for k, v in os.environ.items() if not k.startswith("OPENDOOR_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {**base, "DJANGO_SETTINGS_MODULE": "opendoor.settings", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("change", "named"), [
    ({"OPENDOOR_SECRET_KEY": ""}, "OPENDOOR_SECRET_KEY"),
    ({"OPENDOOR_SECRET_KEY": "demo-only-secret-key-not-for-production-use-0123456789"}, "OPENDOOR_SECRET_KEY"),
    ({"OPENDOOR_SECRET_KEY": "short"}, "OPENDOOR_SECRET_KEY"),
    ({"OPENDOOR_BASE_URL": "http://127.0.0.1:8000"}, "OPENDOOR_BASE_URL"),
    ({"OPENDOOR_BASE_URL": "https://localhost"}, "OPENDOOR_BASE_URL"),
    ({"OPENDOOR_BASE_URL": "http://opendoor.example.ru"}, "OPENDOOR_BASE_URL"),
    ({"OPENDOOR_SECURE_COOKIES": "false"}, "OPENDOOR_SECURE_COOKIES"),
    ({"OPENDOOR_ALLOWED_HOSTS": "127.0.0.1,localhost"}, "OPENDOOR_ALLOWED_HOSTS"),
    ({"OPENDOOR_AUDIT_KEY": ""}, "OPENDOOR_AUDIT_KEY"),
    ({"OPENDOOR_DEMO": ""}, None),  # not set is not demo: the production values must be right
])
def test_production_refuses_to_start_unsafe(change, named):
    assert manage(PRODUCTION, "check").returncode == 0
    env = {**PRODUCTION, **change}
    if named is None:
        env = {k: v for k, v in env.items() if k != "OPENDOOR_DEMO"}
        env["OPENDOOR_SECRET_KEY"] = ""
        named = "OPENDOOR_SECRET_KEY"
    result = manage(env, "check")
    assert result.returncode != 0 and named in result.stderr and "OPENDOOR_DEMO=true" in result.stderr


def test_check_deploy_refuses_the_demo_mode():
    result = manage({**PRODUCTION, "OPENDOOR_DEMO": "true"}, "check", "--deploy")
    assert result.returncode != 0 and "opendoor.E002" in result.stderr


def test_not_found_page_does_not_echo_the_address(client, cast, make_case):
    case = make_case(upto=CaseStatus.SCREENING)
    client.force_login(cast.outsider)
    response = client.get(f"/cases/{case.code}/")
    body = response.content.decode()
    assert response.status_code == 404 and "Страница не найдена" in body
    assert case.code not in body and "Смирнов" not in body


def boom(request):
    raise RuntimeError("Смирнов Артём, 20.05.2014")


urlpatterns = [*project_urls, path("boom/", boom)]


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_page_is_russian_and_has_no_personal_data(client, db, caplog):
    client.raise_request_exception = False
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Что-то пошло не так на сервере" in body
    assert "Смирнов" not in body


@pytest.mark.parametrize("name", ["SESSION_COOKIE_HTTPONLY", "SECURE_CONTENT_TYPE_NOSNIFF"])
def test_safe_defaults(name):
    assert getattr(settings, name) is True


def test_the_production_lock_holds_no_development_tools():
    """The Docker image and the server install requirements.lock: what runs in production, nothing to test, lint,
    fuzz or drive a browser with; requirements-dev.lock pins the same versions of the rest."""
    import re

    def pins(name):
        text = (settings.BASE_DIR / name).read_text()
        return dict(re.findall(r"^([a-z0-9_.-]+)(?:\[[a-z,]+\])?==(\S+)", text, re.M))

    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    assert {"django", "weasyprint", "gunicorn", "psycopg"} <= set(production)
    for tool in ("pytest", "playwright", "ruff", "bandit", "schemathesis", "hypothesis", "pip-tools", "pip-audit",
                 "pytest-django", "time-machine"):
        assert tool not in production, tool
        assert tool in development, tool
    assert {name: version for name, version in production.items() if development.get(name) != version} == {}
    assert "requirements.lock" in (settings.BASE_DIR / "Dockerfile").read_text()


def test_gunicorns_application_refuses_to_load_unsafe_and_code_only_commands_still_run():
    script = "import opendoor.wsgi"
    unsafe = {**PRODUCTION, "OPENDOOR_BASE_URL": "http://127.0.0.1:8000"}
    base = {k: v for k, v in os.environ.items() if not k.startswith("OPENDOOR_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    run = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True,
                         env={**base, "DJANGO_SETTINGS_MODULE": "opendoor.settings", **unsafe}, timeout=120)
    assert run.returncode != 0 and "OPENDOOR_BASE_URL" in run.stderr
    run = subprocess.run([sys.executable, "-c", script], cwd=settings.BASE_DIR, capture_output=True, text=True,
                         env={**base, "DJANGO_SETTINGS_MODULE": "opendoor.settings", **PRODUCTION}, timeout=120)
    assert run.returncode == 0, run.stderr
    schema = manage({"OPENDOOR_DEMO": "false"}, "makemigrations", "--check", "--dry-run")
    assert schema.returncode == 0 and "No changes detected" in schema.stdout
    assert manage({"OPENDOOR_DEMO": "false"}, "migrate", "--plan").returncode != 0
