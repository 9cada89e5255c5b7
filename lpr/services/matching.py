"""Matching reads against active hotlist entries, set-based in SQL.

Exact plate (and state, when both sides have one) is a hit at the list's priority; a plate equal
only after folding OCR-confusable characters (lpr.plates) is a "possible" hit one priority lower.
An entry matches reads from its effective time until it expires. (read_id, entry) is unique, so
matching the same reads twice never duplicates a hit.

Both kinds are found with one equality on the folded plate: entries store plate_confusable =
confusable_form(plate) (lpr.services.hotlists and lpr.imports, the two writers), so an equal plate
always has an equal folded form, and `e.plate = r.plate` only tells exact from possible. One
equality, not `plate = … OR plate_confusable = …`, lets each read cost one probe of the partial
index lpr_entry_active_confusable (the OR needed two bitmap scans and a heap recheck per read: 2.5
times slower for 10,000 reads).
"""

from __future__ import annotations

from lpr.plates import CONFUSABLE_SQL

_FOLDED_READ_PLATE = CONFUSABLE_SQL.format(column="r.plate")

# `{{reads}}` is a relation with the lpr_read columns, `{{entries}}` narrows the entries; `{join}`
# brings in the entries `e` whose folded plate equals the read's.
_MATCH_TEMPLATE = """
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
{join}
JOIN lpr_hotlist h ON h.id = e.hotlist_id AND h.active
WHERE e.active {{entries}}
  AND (e.effective_from IS NULL OR e.effective_from <= r.read_at)
  AND (e.expires_at IS NULL OR e.expires_at > r.read_at)
  AND (e.state = '' OR r.state = '' OR e.state = r.state)
  -- Reads older than the retroactive window (imports of old data) are history, never live hits.
  AND r.read_at >= %(match_since)s
ON CONFLICT (read_id, entry_id) DO NOTHING
RETURNING id
"""

# Any reads against any entries (`{reads}` and `{entries}` to fill): the planner picks the side to
# start from, e.g. one new entry against a window of reads (lpr_read_confusable index).
MATCH_SQL = _MATCH_TEMPLATE.format(join=f"JOIN lpr_hotlistentry e ON e.plate_confusable = {_FOLDED_READ_PLATE}")

# A batch of new reads (`{reads}` to fill) against all active entries. The LATERAL subquery (kept
# from being flattened by OFFSET 0) fixes the plan to one index probe per read: the planner cannot
# estimate the rows of an INSERT … RETURNING and otherwise hashes all 100,000 entries per batch.
_LATERAL_ENTRIES = (
    "CROSS JOIN LATERAL (SELECT * FROM lpr_hotlistentry e "  # noqa: S608 (constant SQL)
    f"WHERE e.active AND e.plate_confusable = {_FOLDED_READ_PLATE} OFFSET 0) e"
)
MATCH_NEW_READS_SQL = _MATCH_TEMPLATE.format(join=_LATERAL_ENTRIES).replace("{entries}", "")

# Which of a batch's distinct folded plates (one text[] parameter) an active entry carries: one probe
# of lpr_entry_active_confusable per plate (LATERAL … LIMIT 1 keeps the planner from hashing every
# entry instead). Reads outnumber hits 200 to 1, so the match that follows is small.
LISTED_FOLDED_PLATES_SQL = """
SELECT plate FROM unnest(%s::text[]) AS batch(plate)
CROSS JOIN LATERAL (SELECT 1 FROM lpr_hotlistentry e WHERE e.active AND e.plate_confusable = batch.plate LIMIT 1) e
"""
