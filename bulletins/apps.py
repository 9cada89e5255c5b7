from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "bulletins"
