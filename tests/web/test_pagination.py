import pytest

from cspersona.web.pagination import Pager


@pytest.mark.parametrize(
    ("page", "total", "expected"),
    [
        (1, 0, (1, 0, 0, False, False)),
        (1, 25, (1, 1, 25, False, False)),
        (1, 26, (2, 1, 25, False, True)),
        (2, 26, (2, 26, 26, True, False)),
        (3, 60, (3, 51, 60, True, False)),
    ],
)
def test_pager_positions(page: int, total: int, expected: tuple[int, int, int, bool, bool]) -> None:
    pager = Pager(page=page, per_page=25, total=total)

    assert (
        pager.pages,
        pager.first_item,
        pager.last_item,
        pager.has_previous,
        pager.has_next,
    ) == expected
