-- ev: one row per event and entity. hits: each post about an event in its days
-- [$first_day, $end_day) since day 0, once per event, with its day number.
ev AS (
    SELECT unnest($event_ids::VARCHAR[]) AS event_id,
           unnest($event_names::VARCHAR[]) AS event_name,
           unnest($event_dates::DATE[]) AS event_date,
           unnest($event_starts::TIMESTAMPTZ[]) AS day0,
           unnest($event_entities::VARCHAR[]) AS entity_id
),
-- The posts x mentions join is materialised before the small join with ev; left inline,
-- DuckDB plans the range condition into the big join and runs ~10x slower.
scoped AS (
    SELECT p.post_id, p.created_at, p.sentiment FROM posts p
    -- on a UTC day (days since 1970) of some event's window: windows are whole days
    WHERE epoch_us(p.created_at) // 86400000000 IN (SELECT unnest($window_days::BIGINT[]))
      AND {{filters}}
),
{{_scoped_links}},
joined AS MATERIALIZED (
    SELECT m.entity_id, s.post_id, s.created_at, s.sentiment
    FROM scoped s JOIN entity_links m USING (post_id)
    WHERE list_contains($entity_ids, m.entity_id)
),
hits AS (
    SELECT DISTINCT ev.event_id, j.post_id, j.created_at, j.sentiment,
           -- 86,400,000,000 microseconds a day; floor, so the run-up gets day -1
           CAST(floor((epoch_us(j.created_at) - epoch_us(ev.day0)) / 86400000000)
                AS INTEGER) AS day
    FROM joined j JOIN ev ON ev.entity_id = j.entity_id
    WHERE j.created_at >= ev.day0 + to_days(CAST($first_day AS INTEGER))
      AND j.created_at < ev.day0 + to_days(CAST($end_day AS INTEGER))
)
