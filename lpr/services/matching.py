"""Matching reads against active hotlist entries, set-based in SQL.

Exact plate (and state, when both sides have one) is a hit at the list's priority; a plate equal
only after folding OCR-confusable characters (lpr.plates) is a "possible" hit one priority lower.
An entry matches reads from its effective time until it expires. (read_id, entry) is unique, so
matching the same reads twice never duplicates a hit.
"""

from __future__ import annotations

from lpr.plates import CONFUSABLE_SQL

# `{reads}` is a relation with the lpr_read columns (the rows just inserted, or a window of the
# table for retroactive matching); `{entries}` narrows the entries (all active ones, or one).
MATCH_SQL = f"""
INSERT INTO lpr_hit (read_id, read_at, entry_id, hotlist_id, kind, priority, retroactive, plate, state, confidence,
                     location, reader_id, image_ref, vehicle, status, reject_reason, outcome, created_at)
SELECT r.id, r.read_at, e.id, e.hotlist_id,
       CASE WHEN e.plate = r.plate THEN 'exact' ELSE 'possible' END,
       LEAST(5, h.priority + CASE WHEN e.plate = r.plate THEN 0 ELSE 1 END),
       %(retroactive)s, r.plate, r.state, r.confidence, r.location, r.reader_id, r.image_ref,
       concat_ws(' ', NULLIF(r.vehicle_color, ''), NULLIF(r.vehicle_make, ''), NULLIF(r.vehicle_model, ''),
                 NULLIF(r.vehicle_type, '')),
       'unverified', '', '', now()
FROM {{reads}} r
JOIN lpr_hotlistentry e
  ON (e.plate = r.plate OR e.plate_confusable = {CONFUSABLE_SQL.format(column="r.plate")})
JOIN lpr_hotlist h ON h.id = e.hotlist_id AND h.active
WHERE e.active {{entries}}
  AND (e.effective_from IS NULL OR e.effective_from <= r.read_at)
  AND (e.expires_at IS NULL OR e.expires_at > r.read_at)
  AND (e.state = '' OR r.state = '' OR e.state = r.state)
ON CONFLICT (read_id, entry_id) DO NOTHING
RETURNING id
"""  # noqa: S608 (constant SQL; {reads} and {entries} are fixed fragments, values are bound parameters)
