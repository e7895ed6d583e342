"""Keyset paging on SQLite and PostgreSQL: every walk equals Python's sorted order."""

from datetime import datetime, timedelta

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.services.paging import page
from mcwidgets.store.models import Contact
from mcwidgets.store.paging import GRID_COLUMNS

T0 = datetime(2026, 1, 1, 9, 0)
# Ties and NULLs on purpose; mixed case and non-ASCII sort by code point on both
# databases (SQLite BINARY, the test server's C collation), as in Python.
LAST_NAMES = ["Smith", None, "de Jong", "Smith", None, "Ölund", "adams", "Smith", "Zed", None, "de Jong",
              "Brown", "Émile", "brown", None, "Smith", "Adams", "zz", "Brown", None, "de Jong", "Smith", "Kim"]


def _contacts(n=len(LAST_NAMES)):
    out = []
    for i in range(n):
        out.append(dict(
            email=f"p{i:03d}@example.com",
            first_name=None if i % 4 == 0 else f"F{i % 3}",
            last_name=LAST_NAMES[i % len(LAST_NAMES)],
            company=None if i % 3 == 0 else ["Acme", "Blue", "acme"][i % 3],
            country=["NL", "BE", None, "DE"][i % 4],
            lifecycle_stage=["lead", None, "customer"][i % 3],
            source="import",
            created_at=T0 + timedelta(hours=i % 5),  # ties
            last_activity_at=None if i % 5 == 1 else T0 + timedelta(days=i % 4),
            hard_bounced=i % 3 == 0, unsubscribed=i % 7 == 0,
            marketing_status="marketing" if i % 2 else "non_marketing",
            pending_non_marketing=i % 4 == 1,
        ))
    return out


@pytest.fixture
def rows(ctx):
    with ctx.write() as s:
        s.add_all(Contact(**c) for c in _contacts())
        s.flush()
    return page(ctx, sort="id", size=500).rows


def expected_ids(rows, sort, descending):
    if sort == "id":
        ordered = sorted(rows, key=lambda r: r["id"])
    else:
        ordered = sorted(rows, key=lambda r: (r[sort] is None, r[sort] if r[sort] is not None else 0, r["id"]))
    ids = [r["id"] for r in ordered]
    return ids[::-1] if descending else ids


def walk_forward(ctx, sort, descending, size, selection=None):
    p = page(ctx, sort=sort, descending=descending, size=size, selection_or_filter=selection)
    ids, starts = [], []
    while True:
        starts.append(p.start)
        ids += [r["id"] for r in p.rows]
        if not p.has_next:
            assert p.next_cursor is None
            return ids, starts, p
        p = page(ctx, sort=sort, descending=descending, size=size, cursor=p.next_cursor, position="next",
                 selection_or_filter=selection)


def walk_backward(ctx, sort, descending, size):
    p = page(ctx, sort=sort, descending=descending, size=size, position="last")
    chunks = []
    while True:
        chunks.append([r["id"] for r in p.rows])
        if not p.has_prev:
            assert p.start == 1
            break
        p = page(ctx, sort=sort, descending=descending, size=size, cursor=p.prev_cursor, position="prev")
    return [i for chunk in reversed(chunks) for i in chunk]


SORTS = ["last_name", "first_name", "company", "country", "lifecycle_stage", "created_at", "last_activity_at",
         "hard_bounced", "pending_non_marketing", "email", "id"]


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", SORTS)
def test_walking_next_and_prev_equals_sorted_order(ctx, rows, sort, descending):
    expected = expected_ids(rows, sort, descending)
    assert len(expected) == 23
    for size in (4, 7):
        ids, starts, last = walk_forward(ctx, sort, descending, size)
        assert ids == expected
        assert starts == list(range(1, len(expected) + 1, size))  # row numbers carried by cursors
        assert last.total == len(expected) and last.end == len(expected)
        assert walk_backward(ctx, sort, descending, size) == expected


def test_nulls_sort_last_ascending_and_first_descending(ctx, rows):
    asc = page(ctx, sort="last_name", size=500).rows
    nulls = sum(r["last_name"] is None for r in rows)
    assert nulls >= 5
    assert all(r["last_name"] is None for r in asc[-nulls:]) and asc[-nulls - 1]["last_name"] is not None
    desc = page(ctx, sort="last_name", descending=True, size=500).rows
    assert all(r["last_name"] is None for r in desc[:nulls])
    assert [r["id"] for r in desc] == [r["id"] for r in asc][::-1]


def test_prev_from_a_null_cursor_crosses_into_the_values(ctx, rows):
    expected = expected_ids(rows, "last_name", False)
    nulls = sum(r["last_name"] is None for r in rows)
    # a page starting inside the NULL block, then back
    p = page(ctx, sort="last_name", size=3, position=("offset", len(expected) - nulls + 1))
    assert p.rows[0]["last_name"] is None
    back = page(ctx, sort="last_name", size=3, cursor=p.prev_cursor, position="prev")
    first = len(expected) - nulls + 1 - 3
    assert [r["id"] for r in back.rows] == expected[first:first + 3]
    assert back.start == first + 1
    assert back.rows[0]["last_name"] is not None


def test_last_page_holds_the_remainder(ctx, rows):
    expected = expected_ids(rows, "created_at", False)
    p = page(ctx, sort="created_at", size=5, position="last")
    assert [r["id"] for r in p.rows] == expected[20:]
    assert (p.start, p.end, p.total, p.has_next, p.has_prev) == (21, 23, 23, False, True)
    assert (p.page_number, p.page_count) == (5, 5)
    p = page(ctx, sort="created_at", size=5, cursor=p.prev_cursor, position="prev")
    assert [r["id"] for r in p.rows] == expected[15:20] and p.start == 16


@pytest.mark.parametrize("sort, descending", [("last_name", False), ("last_name", True),
                                               ("last_activity_at", False), ("company", True), ("id", False)])
def test_offset_jump(ctx, rows, sort, descending):
    expected = expected_ids(rows, sort, descending)
    for n in (0, 1, 6, 13, 17, 21, 22):
        p = page(ctx, sort=sort, descending=descending, size=5, position=("offset", n))
        assert [r["id"] for r in p.rows] == expected[n:n + 5], n
        assert p.start == n + 1 and p.has_prev == (n > 0) and p.has_next == (n + 5 < len(expected))
        if p.has_next:  # and keyset paging goes on from there
            nxt = page(ctx, sort=sort, descending=descending, size=5, cursor=p.next_cursor, position="next")
            assert [r["id"] for r in nxt.rows] == expected[n + 5:n + 10]
    beyond = page(ctx, sort=sort, descending=descending, size=5, position=("offset", 1000))
    assert [r["id"] for r in beyond.rows] == expected[20:]  # past the end: the last page


def test_rows_hold_the_grid_columns(ctx, rows):
    p = page(ctx, size=1)
    assert tuple(p.rows[0]) == GRID_COLUMNS
    assert isinstance(p.rows[0]["hard_bounced"], bool) and isinstance(p.rows[0]["created_at"], datetime)


def test_selection_restricts_rows_and_total(ctx, rows):
    chosen = [r["id"] for r in rows][::3]
    ids, _, last = walk_forward(ctx, "last_name", False, 3, selection=Selection.of_ids(chosen))
    assert ids == expected_ids([r for r in rows if r["id"] in chosen], "last_name", False)
    assert last.total == len(chosen)


def test_empty_store(ctx):
    for position in ("first", "last", ("offset", 3)):
        p = page(ctx, position=position)
        assert (p.rows, p.total, p.start, p.has_next, p.has_prev) == ([], 0, 0, False, False)


@pytest.mark.parametrize("sort", ["password", "prev_pending", "last_action_id", "email; DROP TABLE contacts"])
def test_bad_sort_column_is_refused_naming_it(ctx, sort):
    with pytest.raises(ValidationError, match="cannot sort by"):
        page(ctx, sort=sort)
    with pytest.raises(ValidationError) as e:
        page(ctx, sort=sort)
    assert repr(sort) in str(e.value)


@pytest.mark.parametrize("size", [0, -1, 501, 10_000, "50", 2.5, True])
def test_bad_page_size_is_refused(ctx, size):
    with pytest.raises(ValidationError, match=r"page size .* from 1 to 500"):
        page(ctx, size=size)


def test_bad_positions_and_cursors(ctx, rows):
    p = page(ctx, sort="last_name", size=5)
    with pytest.raises(ValidationError, match="needs a cursor"):
        page(ctx, position="next")
    with pytest.raises(ValidationError, match="another order"):
        page(ctx, sort="company", size=5, cursor=p.next_cursor, position="next")
    with pytest.raises(ValidationError, match="another order"):
        page(ctx, sort="last_name", descending=True, size=5, cursor=p.next_cursor, position="next")
    with pytest.raises(ValidationError, match="bad page cursor"):
        page(ctx, sort="last_name", cursor="not-a-cursor!", position="next")
    with pytest.raises(ValidationError, match="bad page position"):
        page(ctx, position="middle")
    with pytest.raises(ValidationError, match="bad page offset"):
        page(ctx, position=("offset", -1))
    assert page(ctx, size=500).total == 23 and page(ctx, size=1).total == 23


NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "NL"}]}]}


def test_a_filter_selects_the_rows_paged(ctx, rows):
    ids, starts, last = walk_forward(ctx, "last_activity_at", True, 2, selection=NL)
    assert ids == expected_ids([r for r in rows if r["country"] == "NL"], "last_activity_at", True)
    assert last.total == len(ids) == 6
    assert page(ctx, selection_or_filter=Selection(filter=NL), size=500).total == 6


def test_a_known_total_is_reused_not_recounted(ctx):
    """Paging on with the total of the page before: no count, same rows and row numbers."""
    from mcwidgets.services import paging
    from tests.services.helpers import make_contact

    for i in range(7):
        make_contact(ctx, "marketing", i, last_name=f"N{i}")
    first = paging.page(ctx, size=3)
    again = paging.page(ctx, size=3, cursor=first.next_cursor, position="next", total=first.total)
    plain = paging.page(ctx, size=3, cursor=first.next_cursor, position="next")
    assert (again.rows, again.start, again.total) == (plain.rows, plain.start, plain.total)
    # the given total is trusted: it is what "last" aligns on
    assert paging.page(ctx, size=3, position="last", total=first.total).start == 7
    assert paging.page(ctx, size=3, position="last", total=99).total == 99
