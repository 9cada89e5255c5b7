from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "feeds"
    verbose_name = "Feeds and ingest"

    def ready(self) -> None:
        from feeds import schema  # noqa: F401  (registers the OpenAPI auth extension)
