"""One ``IN <many values>`` construct for ids and filter texts, on SQLite and PostgreSQL."""

import pytest
from sqlalchemy import String, func, not_, select

from mcwidgets.store import filter_sql, ids
from mcwidgets.store.models import Contact
from tests.conftest import NOW
from tests.services.helpers import make_contact


def test_the_filter_compiler_and_id_selections_share_one_construct():
    from mcwidgets.domain.filters import bind

    assert filter_sql.SMALL_IN == ids.SMALL
    many = {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "IN",
                                           "values": [f"c{i}" for i in range(ids.SMALL + 1)]}]}]}
    clause = filter_sql.compile_condition(bind(many, NOW, "UTC").groups[0].conditions[0], None)
    assert type(clause) is type(ids.ids_in(Contact.id, range(ids.SMALL + 1)))


@pytest.mark.parametrize("extra", [0, ids.SMALL + 50])  # a plain IN list, then one array parameter
def test_ids_and_texts_in_many_values(ctx, extra):
    a = make_contact(ctx, "marketing", email="a@example.com", country="NL")
    b = make_contact(ctx, "marketing", email="b@example.com", country="BE")
    make_contact(ctx, "marketing", email="c@example.com", country="DE")
    wanted = [a, b, a] + [10_000_000 + i for i in range(extra)]
    countries = ["nl", "be", "nl"] + [f"x{i}" for i in range(extra)]
    folded = filter_sql.ascii_lower(Contact.country)
    with ctx.read() as s:
        count = lambda where: s.scalar(select(func.count()).select_from(Contact).where(where))  # noqa: E731
        assert count(ids.ids_in(Contact.id, wanted)) == 2
        assert count(not_(ids.ids_in(Contact.id, wanted))) == 1
        assert count(ids.values_in(folded, countries, String())) == 2
        assert sorted(s.scalars(select(Contact.email).where(ids.values_in(folded, countries, String())))) == [
            "a@example.com", "b@example.com"]
