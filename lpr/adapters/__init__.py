"""Adapters: vendor payloads turned into the standard read record (lpr.ingest.clean_read checks the result)."""
