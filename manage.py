#!/usr/bin/env python
"""Django's command-line utility."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aigva.settings")
    import django
    from django.core.management import execute_from_command_line

    django.setup()
    from aigva.embedded_database import migrate_before

    migrate_before(sys.argv)
    execute_from_command_line(sys.argv)
