"""The Manage marketing contacts wizard's selection, as ONE filter.

The wizard's steps each add OR-groups to a single filter JSON, so its run is one
set-based action (one UPDATE, one action row, one undo):

* "Unengaged contacts": a ``hard_bounced is true`` group and/or an
  ``unsubscribed is true`` group, and, when the account has engagement properties and
  the box is ticked, the "No marketing e-mail opened in the last N months" groups
  (``domain.engagement.not_opened_groups``);
* "Filters & lists": the FilterBuilder's groups, and one ``is member of list`` group
  per chosen list.

Nothing chosen means nothing to do (``wizard_filter`` returns None): an empty
filter would mean *all* contacts, which the wizard never sends.
"""

from __future__ import annotations

from .errors import ValidationError
from .filters import MAX_GROUPS, parse_filter

HARD_BOUNCED, UNSUBSCRIBED = "hard_bounced", "unsubscribed"
UNENGAGED_LABELS = {HARD_BOUNCED: "Hard-bounced contacts", UNSUBSCRIBED: "Unsubscribed from all email"}


def is_true(prop: str) -> dict:
    return {"propertyName": prop, "operator": "EQ", "value": True}


def list_group(name: str) -> dict:
    return {"filters": [{"propertyName": "list", "operator": "IN_LIST", "value": name}]}


ELIGIBLE = ({"propertyName": "marketing_status", "operator": "EQ", "value": "marketing"},
            {"propertyName": "pending_non_marketing", "operator": "EQ", "value": False})


def eligible_filter(prop: str) -> dict:
    """Contacts with ``prop`` true that the wizard would change: marketing, not yet pending."""
    return {"filterGroups": eligible_groups([{"filters": [is_true(prop)]}])}


def eligible_groups(groups: list[dict]) -> list[dict]:
    """Each group narrowed to the contacts the wizard would change: marketing, not yet pending."""
    return [{"filters": [*g["filters"], *ELIGIBLE]} for g in groups]


def wizard_groups(*, hard_bounced: bool = False, unsubscribed: bool = False, not_opened=(),
                  filter: dict | None = None, lists=(), schema=None) -> list[dict]:
    groups = []
    if hard_bounced:
        groups.append({"filters": [is_true(HARD_BOUNCED)]})
    if unsubscribed:
        groups.append({"filters": [is_true(UNSUBSCRIBED)]})
    groups.extend(not_opened)  # the "not opened in N months" box's groups (ticked), as given
    if filter:
        groups.extend(parse_filter(filter, schema).to_json()["filterGroups"])
    for name in dict.fromkeys(lists):  # keep the order chosen, once each
        groups.append(list_group(name))
    return groups


def wizard_filter(*, hard_bounced: bool = False, unsubscribed: bool = False, not_opened=(),
                  filter: dict | None = None, lists=(), schema=None) -> dict | None:
    """The wizard's whole selection as one canonical filter, or None if nothing is chosen.
    ``not_opened``: the engagement box's groups when it is ticked (they name custom
    properties: pass the account's ``schema``).

    Raises ValidationError if the choices make more OR-groups than a filter holds.
    """
    groups = wizard_groups(hard_bounced=hard_bounced, unsubscribed=unsubscribed, not_opened=not_opened,
                           filter=filter, lists=lists, schema=schema)
    if not groups:
        return None
    if len(groups) > MAX_GROUPS:
        raise ValidationError(
            f"the wizard's selection has {len(groups)} groups (unengaged contacts, filter groups and "
            f"lists together; at most {MAX_GROUPS}): choose fewer lists or filter groups")
    return parse_filter({"filterGroups": groups}, schema).to_json()
