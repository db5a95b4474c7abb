"""The embedded SQLite database is migrated before a command uses it, so every README command line works
on a fresh data dir, before `make run` as after it (SPEC R-2). A configured database is left to its operator."""

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Commands that read or change the migrations themselves, or need no database.
LEFT_ALONE = {"migrate", "makemigrations", "showmigrations", "sqlmigrate", "squashmigrations", "optimizemigration",
              "help", "version", "check", "collectstatic", "--help", "-h", "--version"}


def migrate_before(argv: list[str]) -> None:
    """Apply any unapplied migration to the embedded database before the command argv[1] runs."""
    if len(argv) < 2 or argv[1] in LEFT_ALONE or not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", interactive=False, verbosity=0)
