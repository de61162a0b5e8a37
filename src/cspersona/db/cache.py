"""Read models kept in memory until the tables they were computed from change.

Pages and the insights routes rank or aggregate every customer, but the tables behind them change
only when a pipeline stage, an import or a user's feedback writes them. :class:`ReadCache` keeps
each computed value with a *stamp* of the tables it read: per table its row count, its newest id
and one column of its newest row that every rewrite sets afresh (a timestamp, a version). Writers
need not remember to invalidate anything: a new pipeline run changes a stamp, and the next read
computes the value again. The stamp costs one query of index lookups per read; an aggregate such
as ``max(column)`` over a whole table would cost a scan instead.

Stamps cannot see an in-place ``UPDATE`` that leaves every part alone, so a value may only depend
on tables whose rewrites insert rows (the pipeline's stages do: a refit updates persona rows and
inserts new mappings in the same transaction).
"""

import functools
import threading
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar, cast

from sqlalchemy import Dialect, func, inspect, select
from sqlalchemy.orm import InstrumentedAttribute, Session

ValueT = TypeVar("ValueT")

Stamp = tuple[Any, ...]


def table_stamp(db_session: Session, watched: Sequence[InstrumentedAttribute[Any]]) -> Stamp:
    """Row count, newest id and the newest row's ``column`` of each watched column's table."""
    connection = db_session.connection()
    sql = _stamp_sql(tuple(watched), connection.dialect)
    return tuple(connection.exec_driver_sql(sql).one())


@functools.lru_cache(maxsize=64)
def _stamp_sql(watched: tuple[InstrumentedAttribute[Any], ...], dialect: Dialect) -> str:
    """The stamp query as SQL text, built and compiled once: it runs on every cached read."""
    parts = []
    for column in watched:
        primary_key = inspect(column.class_).primary_key[0]
        parts += [
            select(func.count()).select_from(column.class_).scalar_subquery(),
            select(func.max(primary_key)).scalar_subquery(),
            select(column).order_by(primary_key.desc()).limit(1).scalar_subquery(),
        ]
    return str(select(*parts).compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


class ReadCache:
    """Values by database and key, each kept with the stamp it was computed under.

    A key holds one value at a time (a newer stamp replaces it), so the cache grows with the
    number of keys, not of pipeline runs; past ``size`` keys it starts again empty. Requests
    that miss the same key together wait for one computation rather than each repeating it.
    """

    def __init__(self, size: int = 256) -> None:
        """Keep at most ``size`` keys."""
        self._size = size
        self._values: dict[tuple[str, Hashable], tuple[Stamp, Any]] = {}
        self._computing: dict[tuple[str, Hashable], threading.Lock] = {}
        self._lock = threading.Lock()

    def get(
        self,
        db_session: Session,
        key: Hashable,
        watched: Sequence[InstrumentedAttribute[Any]],
        compute: Callable[[], ValueT],
    ) -> ValueT:
        """The value of ``key``: the kept one if ``watched`` tables are unchanged, else computed.

        ``compute`` must read through ``db_session``, whose transaction the stamp is read in, so
        value and stamp describe the same snapshot.
        """
        stamp = table_stamp(db_session, watched)
        slot = (str(db_session.get_bind().engine.url), key)
        with self._lock:
            kept = self._values.get(slot)
            computing = self._computing.setdefault(slot, threading.Lock())
        if kept is not None and kept[0] == stamp:
            return cast(ValueT, kept[1])
        with computing:
            with self._lock:
                kept = self._values.get(slot)
            if kept is not None and kept[0] == stamp:  # another request computed it meanwhile
                return cast(ValueT, kept[1])
            value = compute()
            with self._lock:
                if slot not in self._values and len(self._values) >= self._size:
                    self._values.clear()
                    self._computing = {slot: computing}
                self._values[slot] = (stamp, value)
        return value


read_models = ReadCache()
"""The process's cache of read models, shared by the pages and the API."""
