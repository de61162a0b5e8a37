"""Page numbers for lists on pages (the API pages with limit and offset instead)."""

from dataclasses import dataclass
from math import ceil


@dataclass(frozen=True)
class Pager:
    """Where page ``page`` (1-based) of ``per_page`` items sits among ``total`` items."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one, even when empty)."""
        return max(1, ceil(self.total / self.per_page))

    @property
    def first_item(self) -> int:
        """The 1-based position of the page's first item (0 when the page is empty)."""
        return min(self.total, (self.page - 1) * self.per_page + 1)

    @property
    def last_item(self) -> int:
        """The 1-based position of the page's last item."""
        return min(self.total, self.page * self.per_page)

    @property
    def has_previous(self) -> bool:
        """Whether a page comes before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether a page comes after this one."""
        return self.page < self.pages
