from django.core.management.base import BaseCommand

from core import demo


class Command(BaseCommand):
    help = "Print where to log in and the demo accounts."

    def handle(self, *args, **options):
        self.stdout.write("\n«Открытая дверь» запускается: http://127.0.0.1:8000/\n")
        self.stdout.write(f"Демо-учётные записи (пароль у всех: {demo.PASSWORD}):")
        for login, surname, name, patr, _role, agency, what in demo.ACCOUNTS:
            self.stdout.write(f"  {login:<12} {surname} {name[0]}. {patr[0]}. — {agency}: {what}")
        self.stdout.write("")
