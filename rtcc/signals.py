"""Signals of the core. `events_committed` is sent after the transaction that recorded outbox
events commits, with `types` (the event types); receivers only enqueue work, never write."""

from __future__ import annotations

from django.dispatch import Signal

events_committed = Signal()
