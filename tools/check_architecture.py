"""Three rules of the floors that a linter can keep (run by `make lint`; `tests/test_architecture.py` proves each one
fails on a deliberate example):

1. **One door for every write.** A view (``views.py``, ``*_views.py``) or a management command does not write to
   the database itself: no ``.save()`` / ``.delete()`` on anything, no ``.create()`` / ``.update()`` /
   ``.bulk_create()`` / ``.get_or_create()`` / ``.update_or_create()`` / ``.bulk_update()`` on a manager or a
   queryset. It calls an action (``<app>/actions.py``), which checks the rule, writes the audit row and runs in
   one transaction. The demo app's commands and `bench_*` only generate demo or benchmark data (``GENERATOR_APPS``).
2. **Typed access needs.** ``get_<obj>_for_user(…, need="…")`` is called only with a need its access module
   declares in ``NEEDS``; the function itself refuses an unknown one at run time.
3. **Imports at the top.** An import inside a function is allowed only where there is a reason: the library is
   heavy to load (``HEAVY_LIBRARIES``, each with why), the file is an ``apps.py`` (imported before Django's app
   registry is ready), or the import line says why in a comment. Anything else — usually an import cycle
   held together — fails.

Usage: ``python tools/check_architecture.py [path …]`` — prints each finding and exits 1 if there is one.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", ".venv-bench", "var", "node_modules", "migrations", "tests", "tools", ".git", "bench"}
WRITES_ANYWHERE = {"save", "delete"}
WRITES_ON_MANAGERS = {"create", "update", "bulk_create", "get_or_create", "update_or_create", "bulk_update"}
QUERYSET_CALLS = {"filter", "exclude", "all", "select_for_update", "select_related", "prefetch_related", "order_by"}
# Libraries loaded only by the request that needs them, and why.
HEAVY_LIBRARIES = {
    "weasyprint": "PDF rendering: Pango, fonts and CSS engine, about a second to load",
    "natasha": "NER models for depersonalisation, hundreds of megabytes",
    "pypdf": "PDF parsing, only for uploads and the knowledge base",
    "docx": "python-docx, only for letters and DOCX uploads",
    "docxtpl": "DOCX templates with Jinja, only for letters",
    "openpyxl": "spreadsheets, only for XLSX exports",
    "cryptography": "AES-GCM, only for sealing and opening backups",
}
# The demo app's commands only generate data for the demo and the benchmarks (they build a region, they are not a
# door), and so do the benchmarks of other apps (bench_*).
GENERATOR_APPS = {"demo"}


def _is_view_or_command(path):
    name = path.name
    return name == "views.py" or name.endswith("_views.py") or (
        path.parent.name == "commands" and path.parent.parent.name == "management"
        and path.parent.parent.parent.name not in GENERATOR_APPS and not name.startswith("bench_"))


def _receiver_is_manager_or_queryset(node):
    """True for X.objects.create(), X.objects.filter(…).update(), user.notifications.filter(…).update()."""
    target = node.func.value
    if isinstance(target, ast.Attribute) and target.attr in {"objects", "_base_manager", "_default_manager"}:
        return True
    if isinstance(target, ast.Call) and isinstance(target.func, ast.Attribute):
        return target.func.attr in QUERYSET_CALLS
    return False


def _is_request_session(node):
    """request.session.save() keeps the login session, not the domain's data."""
    target = node.func.value
    return (isinstance(target, ast.Attribute) and target.attr == "session"
            and getattr(target.value, "id", None) == "request")


def domain_writes(path, source=None):
    source = source if source is not None else path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name = node.func.attr
        if name in WRITES_ANYWHERE and not _is_request_session(node):
            found.append((node.lineno, name))
        elif name in WRITES_ON_MANAGERS and _receiver_is_manager_or_queryset(node):
            found.append((node.lineno, name))
    return found


def declared_needs():
    """{function name: needs} from every access module's NEEDS = (...) beside its get_<obj>_for_user."""
    needs = {}
    for path in _python_files():
        if path.name != "access.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        declared = None
        functions = []
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "NEEDS" for t in node.targets):
                declared = tuple(ast.literal_eval(node.value))
            if isinstance(node, ast.FunctionDef) and any(a.arg == "need" for a in node.args.args):
                functions.append(node.name)
        for function in functions:
            needs[function] = declared
    return needs


def unknown_needs(path, needs, source=None):
    source = source if source is not None else path.read_text(encoding="utf-8")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in needs:
            continue
        for keyword in node.keywords:
            if keyword.arg == "need" and isinstance(keyword.value, ast.Constant):
                allowed = needs[name]
                if allowed is None or keyword.value.value not in allowed:
                    found.append((node.lineno, f"{name}(need={keyword.value.value!r}): declared {allowed}"))
    return found


def function_imports(path, source=None):
    """Imports inside functions that give no reason (see rule 3)."""
    if path.name == "apps.py":
        return []
    source = source if source is not None else path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            module = node.names[0].name if isinstance(node, ast.Import) else ("." * node.level + (node.module or ""))
            if module.split(".")[0] in HEAVY_LIBRARIES or "#" in lines[node.lineno - 1]:
                continue
            found.append((node.lineno, module))
    return found


def _python_files(paths=None):
    for base in paths or [ROOT]:
        base = Path(base)
        files = [base] if base.is_file() else base.rglob("*.py")
        for path in files:
            if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts if path.is_relative_to(ROOT) else ()):
                yield path


def main(argv):
    problems = []
    needs = declared_needs()
    for path in _python_files(argv or None):
        relative = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        if _is_view_or_command(path):
            for line, call in domain_writes(path):
                problems.append(f"{relative}:{line}: .{call}() in a view or command — call an action instead")
        for line, message in unknown_needs(path, needs):
            problems.append(f"{relative}:{line}: unknown access need {message}")
        in_app = (ROOT / relative.parts[0] / "apps.py").exists() if len(relative.parts) > 1 else False
        for line, module in function_imports(path) if in_app else ():
            problems.append(f"{relative}:{line}: import of {module} inside a function — at the top, or say why")
    for problem in problems:
        print(problem)
    print(f"architecture: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
