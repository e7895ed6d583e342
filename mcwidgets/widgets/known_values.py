"""The values present for a choice property (the countries the filter offers), read once
per App with a background runner and kept until the data changes.

Why this and not something else (issue 16 items 3 and 4): the values come from
``SELECT DISTINCT country``, a full scan (~2 s at 1,000,000 contacts, ~20 s at
10,000,000). An index on ``contacts.country`` would make it fast but slows every import
and bulk action; a sampled or limited read would miss rare countries; a ``countries``
table kept by every write (imports, the demo, contact edits and deletes, in both engines)
touches many write paths and goes stale on deletes. So the exact read stays, but it runs
rarely and never on the kernel's thread: once per App, when a filter first offers the
choices, with the caller's runner (the dashboard's: a worker thread). It is dropped on
every ``App.on_change`` (an import or edit may add a country; a read still running then is
ignored when it arrives) and read again only when a filter next asks. Meanwhile the
filter row takes a free-text value and says "Loading countries…"; when the values are in,
the waiting rows turn into choices (keeping what was typed).
"""

from __future__ import annotations

from collections.abc import Callable

from .background import Runner
from .panel_kit import log_failure

Waiter = Callable[[str], None]  # called with the property whose values are now known (or failed)


class KnownValues:
    """One App's cache: ``get(prop, runner, waiter)`` returns the values, or None while
    they are read (``waiter(prop)`` is called once they are in or the read failed)."""

    def __init__(self, app):
        self.app = app
        self.values: dict[str, list[str]] = {}
        self.loading: dict[str, int] = {}  # prop -> the generation its read started in
        self.waiters: dict[str, list[Waiter]] = {}
        self.generation = 0  # bumped when the data changes: older reads are dropped
        self.reads = 0  # reads started (tests, figures)
        app.on_change(self.invalidate)

    def get(self, prop: str, runner: Runner, waiter: Waiter | None = None) -> list[str] | None:
        if prop in self.values:
            return self.values[prop]
        if self.loading.get(prop) != self.generation:
            self._start(prop, runner)
        if prop in self.values:  # an inline runner: read already
            return self.values[prop]
        if waiter is not None and self.is_loading(prop) and waiter not in self.waiters.setdefault(prop, []):
            self.waiters[prop].append(waiter)
        return None

    def is_loading(self, prop: str) -> bool:
        return prop not in self.values and self.loading.get(prop) == self.generation

    def invalidate(self) -> None:
        """The data may have changed: read again when next asked (rows waiting keep waiting
        for the read already running; its result is dropped and a fresh one started)."""
        self.generation += 1
        self.values.clear()

    def _start(self, prop: str, runner: Runner) -> None:
        generation = self.generation
        self.loading[prop] = generation
        self.reads += 1
        self._runner = runner
        runner(lambda: list(self.app.known_values(prop)),
               lambda values, error: self._loaded(prop, generation, values, error))

    def _loaded(self, prop: str, generation: int, values, error: BaseException | None) -> None:
        if generation != self.generation:  # the data changed while it was read
            if self.loading.get(prop) == generation and self.waiters.get(prop):
                self._start(prop, self._runner)  # rows still wait: read the new data
            return
        self.loading.pop(prop, None)
        if error is not None:  # no choices (free text) until the data changes, as before the cache
            log_failure(f"could not read the known values of {prop}", error)
            values = []
        self.values[prop] = values
        for waiter in self.waiters.pop(prop, []):
            try:
                waiter(prop)
            except Exception as e:  # one view must not keep the others waiting
                log_failure("showing the known values failed", e)


def known_values_of(app) -> KnownValues:
    """The App's cache (made on first use, kept on the App: it lives as long as the App)."""
    cache = getattr(app, "_known_values_cache", None)
    if cache is None:
        cache = KnownValues(app)
        app._known_values_cache = cache
    return cache


__all__ = ["KnownValues", "known_values_of"]
