"""Paginated list responses shared by every list route."""

from typing import Annotated, Generic, Self, TypeVar

from fastapi import Query
from pydantic import BaseModel

from cspersona.http.limits import MAX_ID

ItemT = TypeVar("ItemT")

MAX_PAGE_SIZE = 500


class Page(BaseModel, Generic[ItemT]):
    """One page of a list: the items, the total across pages, and where this page starts."""

    items: list[ItemT]
    total: int
    limit: int
    offset: int

    @classmethod
    def of(cls, items: list[ItemT], total: int, params: "PageParams") -> Self:
        """The page of ``items`` that ``params`` asked for, among ``total``."""
        return cls(items=items, total=total, limit=params.limit, offset=params.offset)


class PageParams(BaseModel):
    """Where a page starts and how long it is."""

    limit: int = 50
    offset: int = 0


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_ID, description="Items to skip.")] = 0,
) -> PageParams:
    """Read ``limit`` and ``offset`` query parameters with their bounds."""
    return PageParams(limit=limit, offset=offset)
