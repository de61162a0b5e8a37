"""Read models kept until their tables change: rewrites are seen, unchanged tables not reread."""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.db.cache import ReadCache
from cspersona.db.engine import make_session_factory
from tests.factories import START, add_customer

WATCHED = (Customer.created_at,)


def counting(db_session: Session) -> tuple[Callable[[], list[str]], list[int]]:
    """A compute function listing customer names, and the list its calls are counted in."""
    calls: list[int] = []

    def compute() -> list[str]:
        calls.append(1)
        return list(db_session.scalars(select(Customer.company_name).order_by(Customer.id)))

    return compute, calls


def test_a_value_is_kept_while_its_tables_are_unchanged(db_session: Session) -> None:
    cache = ReadCache()
    add_customer(db_session, "Kept Ltd")
    compute, calls = counting(db_session)

    first = cache.get(db_session, "names", WATCHED, compute)
    second = cache.get(db_session, "names", WATCHED, compute)

    assert first is second
    assert len(calls) == 1


def test_an_insert_or_a_rewrite_with_reused_ids_is_seen(db_session: Session) -> None:
    cache = ReadCache()
    kept = add_customer(db_session, "Old Name Ltd", created_at=START)
    compute, calls = counting(db_session)
    before = cache.get(db_session, "names", WATCHED, compute)

    add_customer(db_session, "Second Ltd")
    inserted = cache.get(db_session, "names", WATCHED, compute)
    # Replace every row: SQLite reuses the ids, and the count is the same; the timestamp differs.
    db_session.execute(delete(Customer).where(Customer.company_name.like("%Ltd")))
    add_customer(db_session, "New Name Ltd", id=kept.id, created_at=START + timedelta(days=1))
    add_customer(db_session, "Third Ltd")
    rewritten = cache.get(db_session, "names", WATCHED, compute)

    assert before[-1:] == ["Old Name Ltd"]
    assert inserted[-2:] == ["Old Name Ltd", "Second Ltd"]
    assert rewritten[-2:] == ["New Name Ltd", "Third Ltd"]
    assert len(calls) == 3


def test_keys_are_kept_apart_and_a_full_cache_starts_again(db_session: Session) -> None:
    cache = ReadCache(size=2)
    add_customer(db_session, "Keyed Ltd")

    values = [cache.get(db_session, key, WATCHED, lambda key=key: key) for key in "abc"]
    again = cache.get(db_session, "a", WATCHED, lambda: "recomputed")

    assert values == ["a", "b", "c"]
    assert again == "recomputed"


def test_requests_missing_together_wait_for_one_computation(committed_engine: Engine) -> None:
    cache = ReadCache()
    sessions = make_session_factory(committed_engine)
    calls: list[int] = []

    def slow() -> str:
        calls.append(1)
        time.sleep(0.2)
        return "ranking"

    def request(_: int) -> str:
        with sessions() as db_session:
            return cache.get(db_session, "slow", WATCHED, slow)

    with ThreadPoolExecutor(max_workers=5) as pool:
        values = list(pool.map(request, range(5)))

    assert values == ["ranking"] * 5
    assert len(calls) == 1
