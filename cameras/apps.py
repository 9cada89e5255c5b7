from django.apps import AppConfig


class CamerasConfig(AppConfig):
    name = "cameras"
    verbose_name = "Cameras"

    def ready(self) -> None:
        from feeds.imports.mapping import register_target

        # Mapping files of kind "camera" fill CameraRecord; import jobs hand them to the camera importer.
        register_target("camera", "cameras.records.CameraRecord", importer="cameras.imports.import_cameras")
