"""The contact schema registry: well formed, and what derives from it."""

import pytest

from mcwidgets.domain.errors import ValidationError
from mcwidgets.domain.fields import (BOOLEAN, CREATABLE_FIELDS, DEFAULT_GRID_FIELDS, ENUMERATION, FIELDS,
                                     GRID_FIELDS, TEXT, Field, GridColumn)
from mcwidgets.domain.filters import LIST, OPERATORS_BY_TYPE, PROPERTIES


def test_every_field_is_well_formed():
    headings = set()
    for name, f in FIELDS.items():
        assert f.name == name and f.label and f.csv_heading
        assert f.csv_heading not in f.csv_aliases
        for h in (f.csv_heading, *f.csv_aliases):
            assert h.lower() not in headings, f"heading {h!r} names two fields"
            headings.add(h.lower())
        assert (f.max_length is not None) == (f.type == TEXT), name
        assert (f.type == ENUMERATION) == bool(f.choices), name


def test_a_field_is_refused_when_its_type_is_unknown_or_an_enumeration_lacks_values():
    with pytest.raises(ValueError, match="unknown type"):
        Field("x", "blob", "X", "X")
    with pytest.raises(ValueError, match="enumeration"):
        Field("x", ENUMERATION, "X", "X")


def test_filters_offer_every_filterable_field_with_its_operators_and_choices():
    assert set(PROPERTIES) == {n for n, f in FIELDS.items() if f.filterable} | {"list"}
    for name, f in FIELDS.items():
        p = PROPERTIES[name]
        assert (p.type, p.label, p.choices) == (f.filter_type, f.label, f.choices)
        assert p.operators == f.operators == OPERATORS_BY_TYPE[f.filter_type]
    assert PROPERTIES["list"].type == LIST
    # The dropdown groups properties by type: numbers, texts, enumerations, dates, booleans, lists.
    assert list(PROPERTIES)[:9] == ["id", "email", "first_name", "last_name", "company", "country",
                                    "lifecycle_stage", "source", "marketing_status"]


def test_enumerations_parse_their_users_forms():
    assert FIELDS["lifecycle_stage"].parse_choice("MQL") == "marketing_qualified_lead"
    assert FIELDS["marketing_status"].parse_choice("Non-marketing contact") == "non_marketing"
    with pytest.raises(ValidationError):
        FIELDS["source"].parse_choice("carrier pigeon")


def test_grid_and_creation_fields():
    assert GRID_FIELDS == tuple(FIELDS)
    assert DEFAULT_GRID_FIELDS == ("email", "first_name", "last_name", "country", "marketing_status",
                                   "pending_non_marketing")
    assert all(isinstance(FIELDS[n].grid, GridColumn) for n in GRID_FIELDS)
    assert CREATABLE_FIELDS == ("email", "first_name", "last_name", "company", "country", "lifecycle_stage",
                                "last_activity_at", "hard_bounced", "unsubscribed")
    assert not any(FIELDS[n].nullable for n in FIELDS if FIELDS[n].type == BOOLEAN)
