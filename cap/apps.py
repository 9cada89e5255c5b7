from django.apps import AppConfig


class CapConfig(AppConfig):
    name = "cap"
    verbose_name = "CAP alerts"
