"""SQLAlchemy 2 typed ORM models.

All datetimes are stored as naive UTC; dates (billing start, update dates) are
calendar dates in the account's time zone. The schema itself is created and
changed only by the Alembic migrations in ``store/migrations``; a test checks the
two agree.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer,
                        String, Text, false)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# The values of the account's custom properties (``CustomProperty``), one JSON object per
# contact: JSONB on PostgreSQL, JSON text (read with JSON1) on SQLite. See ``store.custom``
# for why this layout and how each property gets its own expression index.
CUSTOM_JSON = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    pass


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Stored lowercased, so the unique index makes email unique case-insensitively.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str | None] = mapped_column(String(100))
    last_name: Mapped[str | None] = mapped_column(String(100))
    company: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str | None] = mapped_column(String(100))
    lifecycle_stage: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(DateTime)
    hard_bounced: Mapped[bool] = mapped_column(Boolean, server_default=false())
    unsubscribed: Mapped[bool] = mapped_column(Boolean, server_default=false())
    marketing_status: Mapped[str] = mapped_column(String(16))
    pending_non_marketing: Mapped[bool] = mapped_column(Boolean, server_default=false())
    # {property name: value} of the custom properties the contact has a value for (NULL: none).
    custom: Mapped[dict | None] = mapped_column(CUSTOM_JSON)
    # Who changed the status, when and from what is in the audit rows (AuditEvent),
    # which undo and history read; the contact row holds only the current state.

    __table_args__ = (
        Index("ix_contacts_status_pending", "marketing_status", "pending_non_marketing"),
        # Sort keys of the grid, each with id as the keyset tie-breaker.
        Index("ix_contacts_last_name_id", "last_name", "id"),
        Index("ix_contacts_created_at_id", "created_at", "id"),
        Index("ix_contacts_last_activity_id", "last_activity_at", "id"),
    )


class CustomProperty(Base):
    """A property an account defined (``domain.schema``): its values live in ``Contact.custom``."""

    __tablename__ = "custom_properties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)  # snake_case, the key in Contact.custom
    label: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(16))  # one of domain.fields.FIELD_TYPES
    options: Mapped[list | None] = mapped_column(JSON)  # an enumeration's values, in order
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class Account(Base):
    """One row: the account's billing, edition and tier."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="My company")
    billing_period: Mapped[str] = mapped_column(String(16), default="monthly")
    billing_start: Mapped[date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    edition: Mapped[str] = mapped_column(String(16), default="professional")
    tier: Mapped[int] = mapped_column(Integer)
    requested_tier: Mapped[int | None] = mapped_column(Integer)
    # The latest update date whose rollover has been applied (a local date, for
    # display; None until the first one: the account is still being set up).
    last_update_processed: Mapped[date | None] = mapped_column(Date)
    # The processed boundary, an INSTANT (naive UTC): update dates whose day starts
    # at or before it are never due. Rollover moves it to the start of the last date
    # it processed; a change of billing period, start or time zone to "now".
    processed_until: Mapped[datetime | None] = mapped_column(DateTime)
    tier_steps: Mapped[dict | None] = mapped_column(JSON)  # overrides per edition
    price_table: Mapped[dict | None] = mapped_column(JSON)
    spike_limit: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class TierEvent(Base):
    """The tier raised at once because an action pushed the marketing count over it.

    Shown on the Overview until an admin acknowledges it. ``action_id`` names the
    action (no foreign key: a demo refill truncates actions and these together).
    """

    __tablename__ = "tier_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    tier_from: Mapped[int] = mapped_column(Integer)
    tier_to: Mapped[int] = mapped_column(Integer)
    marketing: Mapped[int] = mapped_column(Integer)  # the count that exceeded the old tier
    action_id: Mapped[int] = mapped_column(Integer)
    action_kind: Mapped[str] = mapped_column(String(32))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_name: Mapped[str] = mapped_column(String(100))
    contacts: Mapped[int] = mapped_column(Integer)  # how many contacts the action named
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_tier_events_acknowledged", "acknowledged_at", "id"),)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="user")
    can_edit_marketing: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Action(Base):
    """One row per bulk action, rollover, import, undo...: who, when, how many."""

    __tablename__ = "actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime)
    description: Mapped[str] = mapped_column(Text, default="")
    matched: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    undone_by: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_actions_at", "at"),)


class AuditEvent(Base):
    """One row per contact whose status or pending flag an action changed."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("actions.id"))
    contact_id: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    old_pending: Mapped[bool | None] = mapped_column(Boolean)
    new_pending: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index("ix_audit_contact", "contact_id", "id"),
        Index("ix_audit_action", "action_id"),
    )


class UsageSnapshot(Base):
    __tablename__ = "usage_snapshots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    taken_at: Mapped[datetime] = mapped_column(DateTime)
    marketing: Mapped[int] = mapped_column(Integer)
    pending: Mapped[int] = mapped_column(Integer)
    non_marketing: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    tier: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(16))

    __table_args__ = (Index("ix_usage_taken_at", "taken_at"),)


class SourceDefault(Base):
    """Default marketing status of contacts created by each source tool."""

    __tablename__ = "source_defaults"

    source: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))


class ContactList(Base):
    """A named list: 'static' (explicit members) or 'active' (a filter, members live)."""

    __tablename__ = "contact_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # 'static' | 'active'
    filter: Mapped[dict | None] = mapped_column(JSON)  # the filter JSON of an active list
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ListMember(Base):
    """A contact in a static list. No foreign key to contacts: TRUNCATE of contacts
    (demo refill) must not need CASCADE; membership tests join on contacts anyway."""

    __tablename__ = "list_members"

    list_id: Mapped[int] = mapped_column(ForeignKey("contact_lists.id", ondelete="CASCADE"),
                                         primary_key=True)
    contact_id: Mapped[int] = mapped_column(Integer, primary_key=True)

    __table_args__ = (Index("ix_list_members_contact", "contact_id"),)


class SavedView(Base):
    """A named filter with its sort order and columns."""

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    filter: Mapped[dict] = mapped_column(JSON)
    sort: Mapped[dict | None] = mapped_column(JSON)  # {"column": "last_name", "descending": false}
    columns: Mapped[list | None] = mapped_column(JSON)  # contact column names, in order
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Workflow(Base):
    """A contact-based workflow: enrollment triggers (a filter) and a status action."""

    __tablename__ = "workflows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    trigger: Mapped[dict] = mapped_column(JSON)  # the filter JSON
    action: Mapped[str] = mapped_column(String(16))  # 'marketing' | 'non_marketing'
    reenroll: Mapped[bool] = mapped_column(Boolean, default=False)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    turned_on_at: Mapped[datetime | None] = mapped_column(DateTime)


class WorkflowEnrollment(Base):
    """A contact enrolled in a workflow. ``kind`` 'baseline' marks contacts that already
    met the triggers when the workflow was turned on without enrolling them.
    ``active`` turns false when the contact stops meeting the triggers, which is
    what lets re-enrollment enroll it again when it meets them anew."""

    __tablename__ = "workflow_enrollments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    workflow_id: Mapped[int] = mapped_column(ForeignKey("workflows.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(Integer)
    enrolled_at: Mapped[datetime] = mapped_column(DateTime)
    action_id: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="enrolled")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        Index("ix_enrollments_workflow_contact", "workflow_id", "contact_id", "active"),
        Index("ix_enrollments_action", "action_id"),
    )


class HeldAction(Base):
    """Spike guard: a workflow run or import that would set too many contacts as
    marketing at once, waiting for an admin's approval."""

    __tablename__ = "held_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # 'workflow' | 'import'
    workflow_id: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict | None] = mapped_column(JSON)
    count: Mapped[int] = mapped_column(Integer)
    requested_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    state: Mapped[str] = mapped_column(String(16), default="held")  # held | approved | rejected
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    result_action_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (Index("ix_held_state", "state"),)


class HeldImportRow(Base):
    """A row of an import the spike guard holds, staged when it is held (the columns of
    the import's staging table, ``store.importing``). Approval applies exactly these
    rows, never the file as it is by then; approval or rejection deletes them."""

    __tablename__ = "held_import_rows"

    held_id: Mapped[int] = mapped_column(ForeignKey("held_actions.id", ondelete="CASCADE"), primary_key=True)
    row_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    email: Mapped[str | None] = mapped_column(Text)
    email_ok: Mapped[bool] = mapped_column(Boolean)
    first_name: Mapped[str | None] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(Text)
    lifecycle_stage: Mapped[str | None] = mapped_column(String(32))
    source: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_activity_at: Mapped[datetime | None] = mapped_column(DateTime)
    hard_bounced: Mapped[bool | None] = mapped_column(Boolean)
    unsubscribed: Mapped[bool | None] = mapped_column(Boolean)
    status: Mapped[str | None] = mapped_column(String(16))
    pending: Mapped[bool | None] = mapped_column(Boolean)
    intent: Mapped[str | None] = mapped_column(String(20))
    error: Mapped[str | None] = mapped_column(Text)
    custom: Mapped[str | None] = mapped_column(Text)  # custom property values, JSON text
