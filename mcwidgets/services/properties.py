"""Custom contact properties: the account's schema, and managing its custom properties.

``schema_of(ctx)`` is the account's ``domain.schema.Schema`` (built-ins + custom), which
filter validation, the grid, export and the widgets read. Creating, renaming and deleting
a property is for admins, audited like any settings change (``settings_audit``), and
changes the storage with it (``store.custom``: its expression index, its key in every
contact's values) in the same transaction.

A property that a saved view, a list or a workflow uses (in its filter, a view's sort or
columns) is not deleted nor renamed: the safe choice, since the filter would stop
working or change meaning; the error names what uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain.actors import Actor
from ..domain.errors import Conflict, NotFound, ValidationError
from ..domain.filters import parse_filter
from ..domain.schema import Schema, check_label, check_name, custom_field, parse_value
from ..store import custom as store
from ..store.models import Contact, ContactList, CustomProperty, SavedView, Workflow
from .context import Context
from .permissions import require_admin, require_user
from .settings_audit import PROPERTY_CHANGED, PROPERTY_CREATED, PROPERTY_DELETED, record

PROPERTY_KINDS = frozenset({PROPERTY_CREATED, PROPERTY_CHANGED, PROPERTY_DELETED})


@dataclass(frozen=True)
class PropertyInfo:
    name: str
    label: str
    type: str
    options: tuple[str, ...]
    created_at: datetime
    updated_at: datetime

    def as_json(self) -> dict:
        return {"name": self.name, "label": self.label, "type": self.type, "options": list(self.options),
                "created_at": self.created_at.isoformat(), "updated_at": self.updated_at.isoformat()}


def _info(row: CustomProperty) -> PropertyInfo:
    return PropertyInfo(row.name, row.label, row.type, tuple(row.options or ()), row.created_at, row.updated_at)


def schema_of(ctx: Context) -> Schema:
    """The account's schema: the built-in properties and its custom ones."""
    with ctx.read() as session:
        return store.load_schema(session)


class SchemaOf:
    """``schema_of(ctx)`` read on first use (a filter on built-ins alone never reads it)."""

    def __init__(self, ctx: Context):
        self._ctx, self._schema = ctx, None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._schema is None:
            self._schema = schema_of(self._ctx)
        return getattr(self._schema, name)


def list_properties(ctx: Context) -> list[PropertyInfo]:
    with ctx.read() as session:
        return [_info(r) for r in session.scalars(select(CustomProperty).order_by(CustomProperty.id))]


def _find(session: Session, name: str) -> CustomProperty:
    row = session.scalar(select(CustomProperty).where(CustomProperty.name == str(name).strip()))
    if row is None:
        raise NotFound(f"no custom property named {str(name)[:40]!r}")
    return row


def add_property(session: Session, actor: Actor, now: datetime, name: str, label: str, type_: str,
                 options=()) -> CustomProperty:
    """Define a property in the caller's transaction (checked, indexed, audited): import uses it too."""
    f = custom_field(name, label, type_, options)
    if session.scalar(select(CustomProperty.id).where(CustomProperty.name == f.name)) is not None:
        raise Conflict(f"a custom property named {f.name!r} exists already")
    row = CustomProperty(name=f.name, label=f.label, type=f.type, options=list(f.options) or None,
                         created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    store.create_index(session, f.name, f.type)
    after = {"name": f.name, "label": f.label, "type": f.type, "options": list(f.options)}
    record(session, PROPERTY_CREATED, actor, now, f"created custom property {f.name} ({f.type}, "
           f"label {f.label!r})", None, after, subject=f.name)
    return row


def create_property(ctx: Context, actor: Actor, name: str, label: str, type_: str, options=()) -> PropertyInfo:
    with ctx.write() as session:
        require_admin(session, actor, "create custom properties")
        return _info(add_property(session, actor, ctx.now(), name, label, type_, options))


def users_of(session: Session, name: str) -> list[str]:
    """What uses property ``name``: saved views (filter, sort, columns), lists and workflows."""
    schema = store.load_schema(session)
    found = []

    def uses(filter) -> bool:
        try:
            parsed = parse_filter(filter or {}, schema)
        except ValidationError:
            return False
        return any(c.property == name for g in parsed.groups for c in g.conditions)

    for v in session.scalars(select(SavedView).order_by(SavedView.name)):
        if uses(v.filter) or (v.sort or {}).get("column") == name or name in (v.columns or []):
            found.append(f"view {v.name!r}")
    for lst in session.scalars(select(ContactList).order_by(ContactList.name)):
        if lst.filter and uses(lst.filter):
            found.append(f"list {lst.name!r}")
    for wf in session.scalars(select(Workflow).order_by(Workflow.name)):
        if uses(wf.trigger):
            found.append(f"workflow {wf.name!r}")
    return found


def _refuse_if_used(session: Session, name: str, what: str) -> None:
    users = users_of(session, name)
    if users:
        shown = ", ".join(users[:5]) + (f" and {len(users) - 5} more" if len(users) > 5 else "")
        raise Conflict(f"cannot {what} property {name!r}: {shown} use{'s' if len(users) == 1 else ''} it "
                       f"(change or delete {'it' if len(users) == 1 else 'them'} first)")


def rename_property(ctx: Context, actor: Actor, name: str, new_name: str | None = None,
                    label: str | None = None) -> PropertyInfo:
    """Rename a property (its key in every contact's values and its index move with it) and/or
    change its label."""
    with ctx.write() as session:
        require_admin(session, actor, "rename custom properties")
        row = _find(session, name)
        before = {"name": row.name, "label": row.label}
        if new_name is not None and new_name.strip() != row.name:
            new_name = check_name(new_name)
            if session.scalar(select(CustomProperty.id).where(CustomProperty.name == new_name)) is not None:
                raise Conflict(f"a custom property named {new_name!r} exists already")
            _refuse_if_used(session, row.name, "rename")
            store.rename_key(session, row.name, new_name, row.type)
            row.name = new_name
        if label is not None:
            row.label = check_label(label)
        after = {"name": row.name, "label": row.label}
        if after == before:
            return _info(row)
        row.updated_at = ctx.now()
        session.flush()
        changed = {k for k in after if after[k] != before[k]}
        text = ", ".join(f"{k} {before[k]!r} → {after[k]!r}" for k in ("name", "label") if k in changed)
        record(session, PROPERTY_CHANGED, actor, ctx.now(), f"custom property {before['name']}: {text}",
               {k: before[k] for k in changed}, {k: after[k] for k in changed}, subject=row.name)
        return _info(row)


def delete_property(ctx: Context, actor: Actor, name: str) -> int:
    """Delete a property and every contact's value of it; refused while anything uses it.
    Returns how many contacts had a value."""
    with ctx.write() as session:
        require_admin(session, actor, "delete custom properties")
        row = _find(session, name)
        _refuse_if_used(session, row.name, "delete")
        had = store.remove_key(session, row.name)
        before = {"name": row.name, "label": row.label, "type": row.type, "options": list(row.options or [])}
        session.delete(row)
        record(session, PROPERTY_DELETED, actor, ctx.now(),
               f"deleted custom property {before['name']} ({before['type']}; {had:,} contacts had a value)",
               before, None, subject=before["name"])
        return had


def set_values(ctx: Context, actor: Actor, contact_id: int, values: dict) -> dict:
    """Set (or, with None or "", clear) custom property values of one contact; returns its values.
    Every value is checked against its property's type first: nothing is written on an error."""
    with ctx.write() as session:
        require_user(session, actor)
        schema = store.load_schema(session)
        parsed = {}
        for name, raw in values.items():
            f = schema.custom_fields.get(str(name))
            if f is None:
                raise ValidationError(f"unknown custom property {str(name)[:40]!r}")
            parsed[f.name] = parse_value(f, raw)
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(f"no contact with id {contact_id}")
        merged = {k: v for k, v in {**(contact.custom or {}), **parsed}.items() if v is not None}
        contact.custom = merged or None
        return dict(merged)


__all__ = ["SchemaOf", "set_values", "PropertyInfo", "schema_of", "list_properties", "create_property", "rename_property",
           "delete_property", "add_property", "users_of", "PROPERTY_KINDS"]
