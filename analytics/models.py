from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

POLICY_KEY = 1


class TransparencyPolicy(models.Model):
    """The agency's published ALPR usage and privacy policy (one row; plain text, shown on /transparency/)."""

    # A singleton: the key is always 1 (the check constraint refuses a second row).
    key = models.PositiveSmallIntegerField(primary_key=True, default=POLICY_KEY, editable=False)
    title = models.CharField(max_length=200, default="Usage and privacy policy")
    body = models.TextField(help_text="Plain text; blank lines separate paragraphs. HTML is shown as typed, not run.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )

    class Meta:
        verbose_name = "transparency policy"
        verbose_name_plural = "transparency policy"
        constraints = [models.CheckConstraint(condition=Q(key=POLICY_KEY), name="analytics_policy_singleton")]

    def __str__(self) -> str:
        return self.title
