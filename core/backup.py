"""A database-independent backup: every record (JSON) and every attached file in one .tar.gz, with a manifest
of counts and checksums that the restore checks."""

import hashlib
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

EXCLUDE = ["contenttypes", "auth.permission", "sessions"]
APPS = ["accounts", "people", "referrals", "cases", "safety", "audit", "core"]


def counts():
    return {m._meta.label: m.objects.count() for a in APPS for m in apps.get_app_config(a).get_models()}


def _files():
    root = Path(settings.OPENDOOR_FILES_DIR)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def backup(target: Path) -> dict:
    root = Path(settings.OPENDOOR_FILES_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        call_command("dumpdata", *APPS, "auth.group", exclude=EXCLUDE, natural_foreign=True, output=str(data),
                     indent=None, verbosity=0)
        manifest = {
            "created": timezone.now().isoformat(),
            "counts": counts(),
            "files": {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in _files()},
        }
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        with tarfile.open(target, "w:gz") as tar:
            tar.add(data, arcname="data.json")
            tar.add(Path(tmp) / "manifest.json", arcname="manifest.json")
            for path in _files():
                tar.add(path, arcname=f"files/{path.relative_to(root)}")
    return manifest


class RestoreError(Exception):
    pass


def restore(source: Path) -> dict:
    """Replace the database and the files with the backup; check counts and checksums afterwards."""
    root = Path(settings.OPENDOOR_FILES_DIR)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r:gz") as tar:
        tar.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(Path(tmp) / "data.json"), verbosity=0)
        if root.exists():
            shutil.rmtree(root)
        if (Path(tmp) / "files").exists():
            shutil.copytree(Path(tmp) / "files", root)
    problems = [f"{label}: {n} ≠ {counts().get(label)}" for label, n in manifest["counts"].items()
                if counts().get(label) != n]
    for name, digest in manifest["files"].items():
        path = root / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(name)
    if problems:
        raise RestoreError("; ".join(problems))
    return manifest
