"""Contact filters: parse, validate, bind, evaluate and describe the filter JSON.

The filter JSON is the HubSpot CRM search shape::

    {"filterGroups": [{"filters": [{"propertyName": "country", "operator": "IN",
                                    "values": ["NL", "BE"]}]}]}

A whole HubSpot search request body (``sorts``, ``properties``, ``limit``, ``after``,
``query`` beside ``filterGroups``) is a filter too: ``parse_filter`` keeps its groups,
``parse_search_body`` its sort and columns as well. Property names may be ours or
HubSpot's internal ones (``domain.fields.HUBSPOT_NAMES``); a parsed filter holds ours.
Groups are ORed, the filters inside a group ANDed; no groups means "all contacts".
Saved views, lists and workflow triggers store this JSON; ``parse_filter`` turns it
into immutable, typed ``Filter`` objects, ``bind`` resolves its dates against a clock
and a time zone, and both the SQL compiler (store layer) and ``BoundFilter.matches``
(plain Python) evaluate the bound form. They must agree, so the semantics are exact:

Text (email, names, company, country)
    Compared ASCII-case-insensitively: both sides go through ``ascii_fold``, which
    lowers A-Z only (SQLite's lower() folds ASCII only, so "ÉCOLE" != "école").
    EQ/IN: folded equality. CONTAINS_TOKEN: folded substring. STARTS_WITH: folded
    prefix. HAS_PROPERTY: not NULL and not the empty string.
    SQL must fold the same way (``store.filter_sql.ascii_lower``) and must not let
    % or _ in a value act as LIKE wildcards.
Number (id)
    Ordinary comparisons; BETWEEN is inclusive on both ends.
Enumeration (lifecycle_stage, source, marketing_status)
    Exact equality with the normalised value (values are stored normalised).
Boolean (hard_bounced, unsubscribed, pending_non_marketing)
    Never NULL in the store; the evaluator reads a missing value as False.
Date (created_at, last_activity_at; stored as naive-UTC datetimes)
    Calendar days in the account's time zone. ``bind`` turns every date condition
    except HAS/NOT_HAS into a half-open UTC range ``lower <= value < upper`` (a None
    bound is open); ``binding.DATE_RANGES`` gives each operator's days.
List membership (pseudo-property ``list``)
    IN_LIST: the contact is a member of the named list (static or active).

Unknown values (NULL/None): every negative operator (NEQ, NOT_IN, NOT_CONTAINS_TOKEN,
NOT_IN_LIST, NOT_HAS_PROPERTY) is exactly the negation of its positive twin, and no
positive operator matches an unknown value - so negative operators match unknowns.
In SQL: ``NOT (col IS NOT NULL AND <positive test>)``.

The package, one module per step, all reading one operator table:

``operators``    the operator table (types, labels, arity, sentence wording) and its views
``model``        limits, the filterable properties (from ``domain.fields``), Filter/Group/Condition
``parsing``      parse_filter: the JSON to a Filter, with one-line errors
``binding``      bind: date conditions to naive-UTC ranges (``DATE_RANGES``)
``evaluation``   BoundFilter.matches: one predicate per (type, operator) (``PREDICATES``),
                 mirroring the store's SQL fragment table (``store.filter_sql.FRAGMENTS``)
``description``  describe_filter: a short sentence
``search_body``  parse_search_body: a HubSpot search request body to filter, sort, columns, notes
"""

from __future__ import annotations

from .binding import DATE_RANGES, BoundCondition, BoundFilter, bind
from .description import describe_filter
from .evaluation import PREDICATES
from .model import (MAX_DATE, MAX_DAYS, MAX_FILTERS_PER_GROUP, MAX_GROUPS, MAX_NUMBER, MAX_VALUES, MIN_DATE,
                    PROPERTIES, Condition, Filter, Group, Property, ascii_fold)
from .operators import (BETWEEN, BOOL, CONTAINS_TOKEN, DATE, DAYS, ENUM, EQ, GT, GTE, HAS_PROPERTY, IN,
                        IN_LAST_DAYS, IN_LIST, LIST, LT, LTE, MANY, MORE_THAN_DAYS_AGO, NEQ, NO_VALUE,
                        NOT_CONTAINS_TOKEN, NOT_HAS_PROPERTY, NOT_IN, NOT_IN_LIST, NUMBER, ONE, OPERATOR_LABELS,
                        OPERATOR_TABLE, OPERATORS, OPERATORS_BY_TYPE, POSITIVE_OF, RANGE, STARTS_WITH, TEXT,
                        Operator)
from .parsing import list_names, parse_filter
from .search_body import SearchBody, parse_search_body

__all__ = [
    "parse_filter", "parse_search_body", "SearchBody", "bind", "describe_filter", "list_names", "ascii_fold",
    "Filter", "Group", "Condition", "BoundFilter", "BoundCondition", "Property", "Operator",
    "PROPERTIES", "OPERATOR_TABLE", "OPERATORS", "OPERATORS_BY_TYPE", "OPERATOR_LABELS", "POSITIVE_OF",
    "PREDICATES", "DATE_RANGES",
    "MAX_GROUPS", "MAX_FILTERS_PER_GROUP", "MAX_VALUES", "MAX_DAYS", "MIN_DATE", "MAX_DATE", "MAX_NUMBER",
    "NO_VALUE", "ONE", "MANY", "RANGE", "DAYS",
    "TEXT", "NUMBER", "DATE", "BOOL", "ENUM", "LIST",
    "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN", "STARTS_WITH", "IN_LAST_DAYS", "MORE_THAN_DAYS_AGO",
    "IN_LIST", "NOT_IN_LIST",
]
