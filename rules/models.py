"""Admin-editable alert rules (trigger -> conditions -> actions), their history and matches."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rules.choices import RuleChange, RuleTrigger


class Rule(models.Model):
    """A rule stored as data; `rules.validation` checks conditions and actions before any save."""

    name = models.CharField(max_length=120, unique=True)
    enabled = models.BooleanField(default=True)
    trigger = models.CharField(max_length=16, choices=RuleTrigger.choices)
    conditions = models.JSONField(default=list, blank=True, help_text="[{field, op, value}, …], all must hold.")
    match_all = models.BooleanField(default=False, help_text="Explicitly fire on every event (no conditions).")
    actions = models.JSONField(default=dict, help_text="{raise_alert, audience, attach_cameras, open_correlation}.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RuleVersion(models.Model):
    """One edit of a rule: its JSON before and after, who and when."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    change = models.CharField(max_length=16, choices=RuleChange.choices)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rule", "version"]
        constraints = [models.UniqueConstraint(fields=["rule", "version"], name="rule_version_unique")]

    def __str__(self) -> str:
        return f"{self.rule_id} v{self.version} ({self.change})"


class RuleCursor(models.Model):
    """The single row holding the last outbox `seq` the live rule run has evaluated."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="rule_cursor_single_row")]

    def __str__(self) -> str:
        return f"rules cursor at {self.last_seq}"


class RuleMatch(models.Model):
    """A rule fired on a source object (once per rule and source, however often the source changes)."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="matches")
    event_seq = models.BigIntegerField()
    event_type = models.CharField(max_length=64)
    source_ref = models.CharField(max_length=64, help_text="e.g. 'incident:42'.")
    alert = models.ForeignKey("alerts.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    matched_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-matched_at"]
        constraints = [models.UniqueConstraint(fields=["rule", "source_ref"], name="rule_match_once_per_source")]
        indexes = [models.Index(fields=["rule", "-matched_at"])]

    def __str__(self) -> str:
        return f"rule {self.rule_id} on {self.source_ref}"
