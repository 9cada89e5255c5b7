"""Writes for LPR: reads (set-based ingest and matching), hotlist entries, hit verification."""
