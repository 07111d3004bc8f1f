-- Every bucket start of the period, in UTC; an open side is closed by the first/last
-- bucket b found in the CTE named counts.
SELECT unnest(range(
    coalesce(
        date_trunc({{bucket}}, timezone('UTC', $start::TIMESTAMPTZ)),
        (SELECT min(b) FROM counts)
    ),
    coalesce(timezone('UTC', $end::TIMESTAMPTZ), (SELECT max(b) FROM counts) + {{step}}),
    {{step}}
)) AS b
