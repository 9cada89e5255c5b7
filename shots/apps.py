from django.apps import AppConfig


class ShotsConfig(AppConfig):
    name = "shots"
    verbose_name = "Shots-fired detections"
