from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"

    def ready(self) -> None:
        from videos import checks, jobs  # noqa: F401 (checks registers itself) app registry: models load once ready

        jobs.register()
