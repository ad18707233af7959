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
from django.core.serializers import sort_dependencies
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import sealed

# Framework bookkeeping that is not the region's data. Everything else in Django's model registry is backed up:
# a new model is covered without touching this file (tests/test_backup.py fails if it is not).
NOT_BACKED_UP = {
    "contenttypes.contenttype": "recreated by migrate; other rows refer to it by natural key",
    "auth.permission": "recreated by migrate",
    "sessions.session": "a restore ends every session",
    "accounts.usersession": "the list of open sessions: a restore ends every session",
}


# The records, in Django's JSON with times to the microsecond (lib/backup_json.py; loaddata knows the format by
# the file's extension).
DATA = "data.backup"


def backed_up_models():
    """Every concrete model of every installed app, except the bookkeeping above, in dependency order."""
    chosen = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or meta.label_lower in NOT_BACKED_UP:
            continue
        chosen.setdefault(meta.app_config, []).append(model)
    return sort_dependencies(list(chosen.items()), allow_cycles=True)


def counts():
    return {m._meta.label: m._base_manager.count() for m in backed_up_models()}


def schema():
    """The migrations applied to this database, per app: a backup restores only into the same schema."""

    applied = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        applied.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


def _files():
    root = Path(settings.OPENDOOR_FILES_DIR)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def backup(target: Path) -> dict:
    root = Path(settings.OPENDOOR_FILES_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / DATA
        labels = [m._meta.label for m in backed_up_models()]
        call_command("dumpdata", *labels, format="backup", natural_foreign=True, output=str(data), indent=None,
                     verbosity=0)
        manifest = {
            "created": timezone.now().isoformat(),
            "schema": schema(),
            "counts": counts(),
            "files": {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in _files()},
        }
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        # Minors' data: the archive is sealed (lib/sealed.py, AES-256-GCM, key from the environment) and the file
        # is readable by the service's own account only, from the first byte.
        plain = Path(tmp) / "backup.tar.gz"
        with tarfile.open(plain, "w:gz") as tar:
            tar.add(data, arcname=DATA)
            tar.add(Path(tmp) / "manifest.json", arcname="manifest.json")
            for path in _files():
                tar.add(path, arcname=f"files/{path.relative_to(root)}")
        sealed.seal_file(plain, target)
    return manifest


class RestoreError(Exception):
    pass


class SchemaMismatch(RestoreError):
    """The backup belongs to another schema version; nothing was changed."""


class UnreadableRecords(RestoreError):
    """The backup's records do not load (a damaged or edited data file); nothing was changed."""


def restore(source: Path) -> dict:
    """Replace the database and the files with the backup; check counts and checksums afterwards."""
    root = Path(settings.OPENDOOR_FILES_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        archive = Path(tmp) / "backup.tar.gz"
        if sealed.is_sealed(source):
            sealed.open_file(source, archive)
        else:  # a backup made before backups were sealed
            archive = source
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(Path(tmp) / "content", filter="data")
        tmp = Path(tmp) / "content"
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        if manifest.get("schema") != schema():
            raise SchemaMismatch(_("The backup was made by another version of the system (its database schema "
                                 "differs from this one). Install the version it was made with, or migrate this "
                                 "database to the same migrations, and restore again; nothing has been changed."))
        data = Path(tmp) / DATA
        if not data.exists():  # a backup made before times were kept to the microsecond
            data = Path(tmp) / "data.json"
        # The records are replaced in one transaction: a data file that does not load, or loads other counts than
        # the manifest says, leaves the database as it was.
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            try:
                call_command("loaddata", str(data), verbosity=0)
            except Exception as error:  # noqa: BLE001 - any failure to load means the same to the operator
                # Only the kind of error: Django's message may quote a record's values.
                raise UnreadableRecords(_("The backup's records could not be loaded (%(kind)s): the file is damaged "
                                          "or was edited. Nothing has been changed.")
                                        % {"kind": type(error).__name__}) from None
            restored = counts()
            wrong = [f"{label}: {n} ≠ {restored.get(label)}" for label, n in manifest["counts"].items()
                     if restored.get(label) != n]
            if wrong:
                raise RestoreError("; ".join(wrong))
        if root.exists():
            shutil.rmtree(root)
        if (Path(tmp) / "files").exists():
            shutil.copytree(Path(tmp) / "files", root)
    problems = []
    for name, digest in manifest["files"].items():
        path = root / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(name)
    if problems:
        raise RestoreError("; ".join(problems))
    return manifest
