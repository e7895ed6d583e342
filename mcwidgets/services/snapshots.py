"""Usage snapshots: the figures over time that the usage chart draws.

One is taken at every rollover, and at least one a day: a status read that finds
none for the last 24 hours takes it (``usage.status``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store import queries
from ..store.models import UsageSnapshot


def take_snapshot(session: Session, now: datetime, tier: int, reason: str) -> UsageSnapshot:
    c = queries.status_counts(session)
    snap = UsageSnapshot(taken_at=now, marketing=c.marketing, pending=c.pending,
                         non_marketing=c.non_marketing, total=c.total, tier=tier, reason=reason)
    session.add(snap)
    return snap


def daily_snapshot_due(session: Session, now: datetime) -> bool:
    """No snapshot taken in the 24 hours before ``now``."""
    since = now - timedelta(days=1)
    return session.scalar(select(UsageSnapshot.id).where(UsageSnapshot.taken_at > since).limit(1)) is None


def ensure_daily_snapshot(session: Session, now: datetime, report) -> None:
    """At least one snapshot a day: taken from ``report`` (a ``usage.StatusReport``)
    when none exists for the last 24 hours."""
    if daily_snapshot_due(session, now):
        session.add(UsageSnapshot(taken_at=now, marketing=report.marketing, pending=report.pending,
                                  non_marketing=report.non_marketing, total=report.total,
                                  tier=report.tier, reason="daily"))
