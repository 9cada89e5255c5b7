from django.apps import AppConfig


class LprConfig(AppConfig):
    name = "lpr"
    verbose_name = "Licence plate readers"

    def ready(self) -> None:
        from feeds.imports.mapping import register_target

        # Mapping files of kind "hotlist_entry" fill HotlistEntryRecord. No import-job importer: an import
        # needs the hotlist it fills, so it runs through manage.py import_hotlist or the scheduled refresh.
        register_target("hotlist_entry", "lpr.imports.HotlistEntryRecord")
