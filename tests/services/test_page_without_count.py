"""``page(..., count=False)``: the first, next and previous pages without counting the
matches (the grid shows rows before the count); "last" and offsets still count."""

from mcwidgets.services.paging import page
from tests.services.helpers import make_contact

NL = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "EQ", "value": "Netherlands"}]}]}


def test_pages_without_the_count(ctx):
    for i in range(23):
        make_contact(ctx, "marketing", i, last_name=f"L{i:02d}", country="Netherlands" if i % 2 else "Belgium")
    first = page(ctx, selection_or_filter=NL, size=5, count=False)
    assert first.total is None and first.page_count is None and (first.start, first.end) == (1, 5)
    assert first.has_next and not first.has_prev
    nxt = page(ctx, selection_or_filter=NL, size=5, position="next", cursor=first.next_cursor, count=False)
    assert nxt.total is None and (nxt.start, nxt.end) == (6, 10)
    prev = page(ctx, selection_or_filter=NL, size=5, position="prev", cursor=nxt.prev_cursor, count=False)
    assert [r["id"] for r in prev.rows] == [r["id"] for r in first.rows]
    last = page(ctx, selection_or_filter=NL, size=5, position="last", count=False)  # needs the total
    assert (last.total, last.start, last.end, last.page_count) == (11, 11, 11, 3)
    counted = page(ctx, selection_or_filter=NL, size=5)  # the default still counts
    assert counted.total == 11 and [r["id"] for r in counted.rows] == [r["id"] for r in first.rows]
    none = page(ctx, selection_or_filter={"filterGroups": [{"filters": [
        {"propertyName": "country", "operator": "EQ", "value": "Peru"}]}]}, count=False)
    assert none.rows == [] and none.total == 0  # an empty first page: nothing matches
