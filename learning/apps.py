from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"

    def ready(self) -> None:
        from learning import jobs, receivers  # app registry: models load only once it is ready

        jobs.register()
        receivers.connect()
