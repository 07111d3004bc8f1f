"""The trend queries' SQL: one statement per file, ``<module>_<query>.sql``; ``_*.sql`` files
are pieces shared by several statements (see :mod:`analytics.core.sql`)."""

from analytics.core.sql import SqlFiles

queries = SqlFiles(
    __name__,
    {
        # top.mix: the column counted.
        "mix_column": {c: f"p.{c}" for c in ("source", "source_name", "lang", "post_kind")},
        # top.top_authors: the ranking.
        "author_order": {
            "posts": "posts DESC, engagement DESC",
            "engagement": "engagement DESC, posts DESC",
        },
        # explore.search_posts: which posts come first (the same names inside and outside
        # the ranked subquery: created_at, post_id and engagement are its columns).
        "post_order": {
            "newest": "created_at DESC, post_id",
            "engagement": "engagement DESC NULLS LAST, created_at DESC, post_id",
        },
        # export: CSV has no lists, so entities become "show:heartstopper;person:kit-connor".
        "export_entities": {"csv": "array_to_string(m.entity_ids, ';')", "parquet": "m.entity_ids"},
        # export of a table or view: the period on its time column, if it has one.
        "export_period": {
            "none": "TRUE",
            **{
                column: f"($start IS NULL OR {column} >= $start)"
                f" AND ($end IS NULL OR {column} < $end)"
                for column in ("created_at", "day", "bucket")
            },
        },
        "export_entity": {"all": "TRUE", "chosen": "list_contains($entity_ids, entity_id)"},
        # spikes: what one counted post is (copies of one story share posts.story_id).
        "counted": {"copies": "p.post_id", "stories": "coalesce(p.story_id, p.post_id)"},
        # spikes: an hour's baseline from every earlier hour, or the same hour of earlier days.
        "rhythm": {"none": "", "hour_of_day": ", hour(b)"},
    },
)
load = queries.load
