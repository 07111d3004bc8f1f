"""The trend queries' SQL: one statement per file, ``<module>_<query>.sql``; ``_*.sql`` files
are pieces shared by several statements (see :mod:`analytics.core.sql`)."""

from analytics.core.sql import SqlFiles

load = SqlFiles(__name__).load
