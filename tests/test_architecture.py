"""The floors a linter keeps (tools/check_architecture.py, .importlinter; both run by `make lint`): each rule passes
on the project and fails on a deliberate example."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def checker():
    spec = importlib.util.spec_from_file_location("check_architecture", ROOT / "tools" / "check_architecture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_project_keeps_both_rules(capsys):
    assert checker().main([]) == 0


@pytest.mark.parametrize("source", [
    "def view(request):\n    form.save()\n",
    "def view(request):\n    Case.objects.create(code='x')\n",
    "def view(request):\n    request.user.notifications.filter(read_at=None).update(read_at=1)\n",
    "def view(request, case):\n    case.delete()\n",
])
def test_a_write_in_a_view_is_refused(source):
    assert checker().domain_writes(Path("x/views.py"), source)


@pytest.mark.parametrize("source", [
    "def view(request):\n    initial.update(a=1)\n    request.session.save()\n    actions.close_case(c)\n",
])
def test_what_is_not_a_domain_write_passes(source):
    assert checker().domain_writes(Path("x/views.py"), source) == []


def test_an_unknown_access_need_is_refused():
    module = checker()
    needs = module.declared_needs()
    assert needs["get_case_for_user"] == ("read", "work", "manage")
    source = "get_case_for_user(request.user, code, need='mange')\nget_case_for_user(u, c, need='work')\n"
    found = module.unknown_needs(Path("x/views.py"), needs, source)
    assert len(found) == 1 and "mange" in found[0][1]


@pytest.mark.parametrize(("source", "refused"), [
    ("def f():\n    from cases.models import Case\n", True),
    ("def f():\n    if x:\n        import json\n", True),
    ("def f():\n    from weasyprint import HTML\n", False),  # heavy: declared with its reason
    ("def f():\n    from .registry import keys  # import cycle: the registry imports this model\n", False),
])
def test_an_import_inside_a_function_needs_a_reason(source, refused):
    assert bool(checker().function_imports(Path("x/views.py"), source)) == refused
    assert checker().function_imports(Path("x/apps.py"), source) == []  # before the app registry is ready


def lint_imports():
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_floors_hold_and_a_back_edge_import_breaks_them():
    """.importlinter keeps the apps' layers: it passes on the project, and fails as soon as a lower floor imports
    a higher one (a probe module in lib importing cases, removed afterwards)."""
    assert lint_imports().returncode == 0
    probe = ROOT / "lib" / "_back_edge_probe.py"
    probe.write_text("from cases import models  # noqa: F401\n", encoding="utf-8")
    try:
        result = lint_imports()
    finally:
        probe.unlink()
    assert result.returncode != 0 and "lib._back_edge_probe -> cases.models" in result.stdout
