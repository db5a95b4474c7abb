import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = ("Make the first admin account, `admin` with a generated password shown once, unless an admin exists "
            "(make run does it at start; compose's first-admin service once).")

    def handle(self, *args, **options):
        users = get_user_model().objects
        if users.filter(is_superuser=True).exists():
            self.stdout.write("Log in with your existing admin account (manage.py changepassword NAME resets it).")
            return
        if users.filter(username="admin").exists():
            raise CommandError("A user `admin` exists but is not an admin: make one with manage.py createsuperuser.")
        password = secrets.token_urlsafe(12)
        users.create_superuser("admin", "", password)
        self.stdout.write(f"\nCreated the admin account. User name: admin   Password: {password}\n"
                          "(shown once; keep it)\n")
