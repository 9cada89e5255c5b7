from django.apps import AppConfig


class ShiftsConfig(AppConfig):
    name = "shifts"

    def ready(self) -> None:
        from shifts import checks  # noqa: F401  (registers the RTCC_SHIFTS system check)
