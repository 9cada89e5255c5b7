from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from audit.admin import AuditedModelAdmin
from feeds import services
from feeds.choices import DeadLetterStatus
from feeds.models import DeadLetter, Feed, InboxBatch


@admin.register(Feed)
class FeedAdmin(AuditedModelAdmin):
    list_display = ("name", "slug", "kind", "enabled", "max_silence_seconds", "last_record_at", "accepted_records")
    list_filter = ("kind", "enabled")
    readonly_fields = (
        "key_prefix",
        "key_rotated_at",
        "created_at",
        "last_record_at",
        "newest_event_at",
        "accepted_records",
        "rejected_records",
        "dead_lettered_records",
    )
    actions = ["rotate_key"]

    def save_model(self, request: HttpRequest, obj: Feed, form: object, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        feed, key = services.feed_create(name=obj.name, kind=obj.kind, slug=obj.slug, enabled=obj.enabled)
        if obj.max_silence_seconds != feed.max_silence_seconds:
            feed.max_silence_seconds = obj.max_silence_seconds
            feed.save(update_fields=["max_silence_seconds"])
        obj.pk = feed.pk
        messages.warning(request, f"API key for {feed.slug} (shown once, store it now): {key}")

    @admin.action(description="Rotate the API key (the old key stops working)")
    def rotate_key(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            key = services.feed_rotate_key(feed=feed)
            messages.warning(request, f"New API key for {feed.slug} (shown once): {key}")


@admin.register(InboxBatch)
class InboxBatchAdmin(AuditedModelAdmin):
    list_display = ("received_at", "feed", "status", "record_count", "processed_count", "dead_letter_count", "id")
    list_filter = ("status", "feed")
    readonly_fields = [f.name for f in InboxBatch._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(DeadLetter)
class DeadLetterAdmin(AuditedModelAdmin):
    list_display = ("id", "feed", "external_id", "status", "attempts", "error", "created_at")
    list_filter = ("status", "feed")
    search_fields = ("external_id", "error")
    readonly_fields = [f.name for f in DeadLetter._meta.fields]
    actions = ["replay", "discard"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Replay the selected dead letters")
    def replay(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        ids = list(queryset.filter(status=DeadLetterStatus.OPEN).values_list("id", flat=True))
        result = services.dead_letters_replay(ids=ids)
        messages.info(request, f"Replayed {result['replayed']}, still failing {result['failed']}.")

    @admin.action(description="Discard the selected dead letters (they stay listed, never replayed)")
    def discard(self, request: HttpRequest, queryset: QuerySet[DeadLetter]) -> None:
        ids = list(queryset.values_list("id", flat=True))
        count = services.dead_letters_discard(ids=ids, reason=f"discarded by {request.user} in the admin")
        messages.info(request, f"Discarded {count} dead letter(s).")
