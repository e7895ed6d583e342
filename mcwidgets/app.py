"""The one place that wires mcwidgets together.

``App`` opens a store, fixes the clock and the acting user, and exposes the
service layer as a small Python API. The CLI, the notebooks and the widgets all
go through it; none of them talks to the database.
"""

from __future__ import annotations

import os
from datetime import date, datetime, timezone

from .domain.actors import Actor, ActorKind
from .domain.errors import ValidationError
from .domain.selection import Selection
from .services import account, contacts, forecast, history, rollover, status, undo, usage, users
from .services.context import Context

ENV_USER = "MCWIDGETS_USER"


def parse_now(value: str | datetime | date | None) -> datetime | None:
    """``--now``: an ISO-8601 instant (naive means UTC) or a date (its midnight UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    text = str(value).strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(f"bad date/time {text!r} (use ISO 8601, e.g. 2026-11-26T09:00:00+01:00)")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


class App:
    def __init__(self, ctx: Context, user: str | None = None):
        self.ctx = ctx
        self.user = user
        self._listeners: list = []

    def on_change(self, callback) -> None:
        """Call ``callback()`` after every action that may change counts (widgets refresh)."""
        self._listeners.append(callback)

    def changed(self) -> None:
        for callback in list(self._listeners):
            callback()

    def _notify(self, result):
        self.changed()
        return result

    @classmethod
    def open(cls, db_url: str | None = None, *, now=None, user: str | None = None) -> "App":
        return cls(Context.open(db_url, now=parse_now(now)), user or os.environ.get(ENV_USER) or None)

    def as_user(self, name: str) -> "App":
        """The same store, acting as another user."""
        app = App(self.ctx, name)
        app._listeners = self._listeners  # one dashboard, one set of views to refresh
        return app

    @property
    def actor(self) -> Actor:
        if not self.user:
            raise ValidationError("no acting user: pass --as USER (or set MCWIDGETS_USER)")
        return Actor(ActorKind.USER, self.user)

    @property
    def actor_or_none(self) -> Actor | None:
        return Actor(ActorKind.USER, self.user) if self.user else None

    def close(self) -> None:
        self.ctx.dispose()

    # figures
    def status(self) -> usage.StatusReport:
        return usage.status(self.ctx)

    def account(self) -> account.AccountInfo:
        return account.get_info(self.ctx)

    def usage_history(self, days: int = 365) -> list[usage.SnapshotRow]:
        return usage.history(self.ctx, days)

    # status changes
    def set_marketing(self, ids=None, *, filter=None, list=None, exclude=()) -> status.ActionResult:
        return self._notify(status.set_marketing(self.ctx, self.actor, selection(ids, filter, list, exclude)))

    def set_non_marketing(self, ids=None, *, filter=None, list=None, exclude=()) -> status.ActionResult:
        return self._notify(status.set_non_marketing(self.ctx, self.actor, selection(ids, filter, list, exclude)))

    def rollover(self) -> rollover.RolloverResult:
        return self._notify(rollover.rollover(self.ctx))

    def create_contact(self, email: str, *, source: str = "manual", status: str | None = None, **fields) -> int:
        cid, _ = contacts.create_contact(self.ctx, self.actor, contacts.NewContact(email=email, **fields),
                                         source=source, status=status)
        self.changed()
        return cid

    def contact(self, contact_id: int) -> dict:
        return contacts.get_contact(self.ctx, contact_id)

    def forecast(self, transition: str, ids=None, *, filter=None, list=None, exclude=()):
        """What set_marketing / set_non_marketing would do, without doing it."""
        return forecast.forecast_action(self.ctx, transition, selection(ids, filter, list, exclude))

    def undo(self, action_id: int) -> status.ActionResult:
        return self._notify(undo.undo(self.ctx, self.actor, action_id))

    def history(self, contact_id: int) -> list[history.HistoryEntry]:
        return history.contact_history(self.ctx, contact_id)

    def actions(self, limit: int = 50, before_id: int | None = None) -> list[history.ActionRow]:
        return history.list_actions(self.ctx, limit, before_id)

    # account and users
    def configure_account(self, **changes) -> account.AccountInfo:
        return self._notify(account.configure(self.ctx, self.actor_or_system, **changes))

    def users(self) -> list[users.UserRow]:
        return users.list_users(self.ctx)

    def add_user(self, name: str, *, admin: bool = False) -> users.UserRow:
        return users.add_user(self.ctx, self.actor_or_system, name, admin=admin)

    def set_permission(self, name: str, allowed: bool) -> users.UserRow:
        return users.set_permission(self.ctx, self.actor_or_system, name, allowed)

    def default_statuses(self) -> dict[str, str]:
        return contacts.get_default_statuses(self.ctx)

    def set_default_status(self, source: str, status: str) -> dict[str, str]:
        return contacts.set_default_status(self.ctx, self.actor_or_system, source, status)

    def demo(self, contacts: int = 10_000, seed: int = 42, progress=None):
        from .services import demo

        return self._notify(demo.build_demo(self.ctx, contacts=contacts, seed=seed, progress=progress))

    @property
    def actor_or_system(self) -> Actor:
        """Admin commands run from a shell without --as act as the local operator,
        who has the database in hand anyway; with --as the user's role is checked."""
        return self.actor_or_none or Actor(ActorKind.SYSTEM, "cli")


def selection(ids=None, filter=None, list_name=None, exclude=()) -> Selection:
    return Selection(ids=tuple(ids) if ids is not None else None, filter=filter, list_name=list_name,
                     exclude_ids=tuple(exclude or ()))
