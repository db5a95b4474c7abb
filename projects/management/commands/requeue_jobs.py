from django.core.management.base import BaseCommand

from projects.jobs import requeue_queued_jobs


class Command(BaseCommand):
    help = "Send every queued job to the workers again (make run does this at start)."

    def handle(self, *args, **options):
        count = requeue_queued_jobs()
        self.stdout.write(f"Queued jobs sent to the workers again: {count}.")
