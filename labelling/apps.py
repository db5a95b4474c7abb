from django.apps import AppConfig


class LabellingConfig(AppConfig):
    name = "labelling"

    def ready(self) -> None:
        from labelling import receivers  # app registry: models load only once it is ready

        receivers.connect()
