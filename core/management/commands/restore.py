from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import RestoreError, restore


class Command(BaseCommand):
    help = "Replace the database and the attached files with a backup made by `backup`, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--yes", action="store_true", help="confirm that the current data is replaced")

    def handle(self, *args, path, yes=False, **options):
        if not yes:
            raise CommandError("Восстановление заменит все текущие данные. Повторите команду с --yes.")
        try:
            manifest = restore(Path(path))
        except RestoreError as error:
            raise CommandError(f"Восстановление не сошлось с манифестом: {error}") from error
        self.stdout.write(f"Восстановлено из {path}: {sum(manifest['counts'].values())} записей, "
                          f"{len(manifest['files'])} файлов; проверка пройдена.")
