from django.apps import AppConfig


class PredictionConfig(AppConfig):
    name = "prediction"

    def ready(self) -> None:
        from prediction import jobs, receivers  # app registry: models load only once it is ready

        jobs.register()
        receivers.connect()
