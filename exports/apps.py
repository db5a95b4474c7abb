from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "exports"

    def ready(self) -> None:
        from exports import jobs  # app registry: models load only once it is ready

        jobs.register()
