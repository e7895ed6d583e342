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
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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
    # The state before the last status change and the action that made it: the
    # status UPDATE sets them in the same statement, so the audit INSERT ... SELECT
    # can read old and new values back, and undo knows which contacts are its own.
    prev_marketing_status: Mapped[str | None] = mapped_column(String(16))
    prev_pending: Mapped[bool | None] = mapped_column(Boolean)
    last_action_id: Mapped[int | None] = mapped_column(Integer)
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_contacts_status_pending", "marketing_status", "pending_non_marketing"),
        Index("ix_contacts_last_action", "last_action_id"),
        # Sort keys of the grid, each with id as the keyset tie-breaker.
        Index("ix_contacts_last_name_id", "last_name", "id"),
        Index("ix_contacts_created_at_id", "created_at", "id"),
        Index("ix_contacts_last_activity_id", "last_activity_at", "id"),
    )


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
    # The latest update date whose rollover has been applied.
    last_update_processed: Mapped[date | None] = mapped_column(Date)
    tier_steps: Mapped[dict | None] = mapped_column(JSON)  # overrides per edition
    price_table: Mapped[dict | None] = mapped_column(JSON)
    spike_limit: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


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
