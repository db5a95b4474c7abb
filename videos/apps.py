from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"

    def ready(self) -> None:
        from videos import jobs  # app registry: models load only once it is ready

        jobs.register()
