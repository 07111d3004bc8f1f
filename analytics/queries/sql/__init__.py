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
    },
)
load = queries.load
