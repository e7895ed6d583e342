"""Status and usage figures, alerts and usage snapshots over time."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..domain import tiers
from ..store import queries
from ..store.models import UsageSnapshot
from .account import info
from .context import Context
from .snapshots import daily_snapshot_due, ensure_daily_snapshot, take_snapshot  # noqa: F401
from .tier_events import read_events
from .unit_of_work import action_session, read_session


@dataclass(frozen=True)
class StatusReport:
    marketing: int
    non_marketing: int
    pending: int
    total: int
    tier: int
    edition: str
    next_update_date: date
    projected_marketing: int
    requested_tier: int | None
    usage_percent: float
    alerts: tuple[str, ...]
    # Tier events (the tier raised by an action), newest first: ``tier_events.TierEventRow``.
    tier_events: tuple = ()

    def as_json(self) -> dict:
        """The `status --json` keys (public interface: keep them)."""
        d = asdict(self)
        d["next_update_date"] = self.next_update_date.isoformat()
        d["alerts"] = list(self.alerts)
        d["tier_events"] = [e.as_json() for e in self.tier_events]
        return d

    @property
    def open_tier_events(self) -> tuple:
        """The tier events no admin has acknowledged yet (the Overview shows them)."""
        return tuple(e for e in self.tier_events if e.acknowledged_at is None)


def status(ctx: Context) -> StatusReport:
    """Counts, tier and next update date; applies due rollovers first, so figures are current.

    A read: no write lock (a bulk action running does not delay it), unless an update
    date is due or today's snapshot is missing; then those are applied, then it reads.
    """
    with read_session(ctx) as session:
        if not daily_snapshot_due(session, ctx.now()):
            return _report(session, ctx.now())
    with action_session(ctx) as session:  # the first read of the day takes the daily snapshot
        report = _report(session, ctx.now())
        ensure_daily_snapshot(session, ctx.now(), report)
        return report


def _report(session: Session, now: datetime) -> StatusReport:
    acc = info(session, now)
    c = queries.status_counts(session)
    return StatusReport(
        marketing=c.marketing, non_marketing=c.non_marketing, pending=c.pending, total=c.total,
        tier=acc.tier, edition=acc.edition, next_update_date=acc.next_update_date,
        projected_marketing=c.projected_marketing, requested_tier=acc.requested_tier,
        usage_percent=round(100.0 * c.marketing / acc.tier, 1) if acc.tier else 0.0,
        alerts=tuple(tiers.alerts(c.marketing, acc.tier)),
        tier_events=tuple(read_events(session)),
    )


@dataclass(frozen=True)
class SnapshotRow:
    taken_at: datetime
    marketing: int
    pending: int
    non_marketing: int
    total: int
    tier: int
    reason: str


def history(ctx: Context, days: int = 365) -> list[SnapshotRow]:
    """Usage snapshots of the last ``days`` days, oldest first, for the chart."""
    since = ctx.now() - timedelta(days=days)
    with ctx.read() as session:
        rows = session.scalars(
            select(UsageSnapshot).where(UsageSnapshot.taken_at >= since).order_by(UsageSnapshot.taken_at)
        )
        return [SnapshotRow(r.taken_at, r.marketing, r.pending, r.non_marketing, r.total, r.tier, r.reason)
                for r in rows]
