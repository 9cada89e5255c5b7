from django.apps import AppConfig


class LprConfig(AppConfig):
    name = "lpr"
    verbose_name = "Licence plate readers"
