"""The filter operator table: one row per operator, read by parse, bind, evaluate and describe."""

from mcwidgets.domain.filters import (DATE, DATE_RANGES, DAYS, LIST, MANY, NO_VALUE, OPERATOR_LABELS,
                                      OPERATOR_TABLE, OPERATORS, OPERATORS_BY_TYPE, POSITIVE_OF, PREDICATES,
                                      RANGE, parse_filter)


def test_the_views_of_the_table():
    assert OPERATORS == tuple(OPERATOR_TABLE)
    for op in OPERATORS:
        row = OPERATOR_TABLE[op]
        assert row.types and all(op in OPERATORS_BY_TYPE[t] for t in row.types)
        assert all(OPERATOR_LABELS[t][op] == row.label(t) for t in row.types)
    assert POSITIVE_OF == {"NEQ": "EQ", "NOT_IN": "IN", "NOT_CONTAINS_TOKEN": "CONTAINS_TOKEN",
                           "NOT_IN_LIST": "IN_LIST", "NOT_HAS_PROPERTY": "HAS_PROPERTY"}
    for negative, positive in POSITIVE_OF.items():  # a negative twin fits the same types, takes the same values
        assert set(OPERATOR_TABLE[negative].types) <= set(OPERATOR_TABLE[positive].types)
        assert OPERATOR_TABLE[negative].arity == OPERATOR_TABLE[positive].arity
    # The dropdown orders, as they were before the table.
    assert OPERATORS_BY_TYPE["text"] == ("EQ", "NEQ", "IN", "NOT_IN", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
                                         "STARTS_WITH", "HAS_PROPERTY", "NOT_HAS_PROPERTY")
    assert OPERATORS_BY_TYPE["date"] == ("EQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN_LAST_DAYS",
                                         "MORE_THAN_DAYS_AGO", "HAS_PROPERTY", "NOT_HAS_PROPERTY")


def test_every_operator_of_every_type_has_a_predicate_and_every_date_operator_a_range():
    expected = {(t, op) for t, ops in OPERATORS_BY_TYPE.items() if t != LIST for op in ops}
    assert {(t, op) for t, row in PREDICATES.items() for op in row} == expected
    assert set(DATE_RANGES) == {op for op in OPERATORS_BY_TYPE[DATE] if OPERATOR_TABLE[op].arity != NO_VALUE}


def test_the_json_keys_follow_the_arity():
    samples = {NO_VALUE: {}, MANY: {"values": ["a"]}, RANGE: {"value": 1, "highValue": 2}, DAYS: {"value": 3}}
    for op, row in OPERATOR_TABLE.items():
        if row.arity in samples:
            assert set(samples[row.arity]) == row.keys, op
    f = parse_filter({"filterGroups": [{"filters": [{"propertyName": "id", "operator": "BETWEEN",
                                                     "value": 1, "highValue": 2}]}]})
    assert set(f.groups[0].conditions[0].to_json()) == {"propertyName", "operator", "value", "highValue"}
