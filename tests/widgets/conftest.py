"""Fixtures shared by the widget tests.

``people``: the contacts a test module declares in its module-level ``PEOPLE``, created
in order (SQLite and PostgreSQL, like ``ctx``). ``PEOPLE`` is either a dict
``{nickname: (state, n, fields)}`` (the fixture returns the ids by nickname) or a
list of ``(state, n, fields)`` (the fixture returns the ids in order). ``state`` is
"marketing", "pending" or "non_marketing"; a field given as a callable is called with
the test clock's ``now`` (e.g. ``last_activity_at=lambda now: now - timedelta(days=3)``).
"""

from __future__ import annotations

import pytest

from tests.services.helpers import make_contact


def _make(ctx, now, spec) -> int:
    state, n, fields = spec
    return make_contact(ctx, state, n, **{k: v(now) if callable(v) else v for k, v in fields.items()})


@pytest.fixture
def people(request, ctx, clock):
    spec = getattr(request.module, "PEOPLE", None)
    if spec is None:
        raise pytest.UsageError(f"{request.module.__name__} uses the people fixture but declares no PEOPLE")
    if isinstance(spec, dict):
        return {nick: _make(ctx, clock.now, s) for nick, s in spec.items()}
    return [_make(ctx, clock.now, s) for s in spec]
