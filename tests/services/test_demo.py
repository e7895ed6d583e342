"""Demo data (services/demo.py) and the bulk loader under it (store/bulk.py)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, inspect, select

from mcwidgets.domain import tiers
from mcwidgets.domain.contacts import LifecycleStage, Source, normalize_email
from mcwidgets.domain.errors import Conflict, ValidationError
from mcwidgets.domain.selection import Selection
from mcwidgets.services import status
from mcwidgets.services.account import ensure_account
from mcwidgets.services.context import Context
from mcwidgets.services.demo import TRICKY, build_demo, demo_frame
from mcwidgets.store import queries
from mcwidgets.store.bulk import clear_demo_data, load_contacts
from mcwidgets.store.models import Account, Action, AuditEvent, Contact, UsageSnapshot, User
from tests.conftest import ADMIN

NOW = datetime(2026, 11, 26, 12, tzinfo=timezone.utc)
NOW_NAIVE = NOW.replace(tzinfo=None)
N = 20_000


def open_ctx(tmp_path, name: str = "t.db") -> Context:
    return Context.open(f"sqlite:///{tmp_path}/{name}", now=NOW)


def contacts_df(ctx: Context) -> pd.DataFrame:
    with ctx.engine.connect() as conn:
        return pd.read_sql(select(Contact).order_by(Contact.id), conn)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One 20k demo store shared by the read-only checks below."""
    ctx = open_ctx(tmp_path_factory.mktemp("demo"))
    calls = []
    result = build_demo(ctx, N, seed=42, progress=lambda done, total: calls.append((done, total)))
    yield ctx, result, contacts_df(ctx), calls
    ctx.dispose()


# --- build_demo ---------------------------------------------------------------------

def test_requested_count_and_result_matches_the_database(demo):
    ctx, result, df, calls = demo
    assert len(df) == result.contacts == N
    with ctx.read() as s:
        c = queries.status_counts(s)
    assert (result.marketing, result.pending, result.non_marketing) == (c.marketing, c.pending, c.non_marketing)
    assert result.marketing + result.non_marketing == N
    assert result.seconds > 0
    assert calls and calls[-1] == (N, N)


def test_deterministic_for_seed(tmp_path, demo):
    _, _, df, _ = demo
    ctx = open_ctx(tmp_path, "same.db")
    build_demo(ctx, N, seed=42)
    same = contacts_df(ctx)
    cols = ["email", "first_name", "company", "marketing_status", "pending_non_marketing",
            "hard_bounced", "created_at", "last_activity_at"]
    pd.testing.assert_frame_equal(same[cols], df[cols])
    build_demo(ctx, N, seed=7)
    other = contacts_df(ctx)
    assert len(other) == N
    assert (other["email"] != df["email"]).mean() > 0.9
    assert (other["marketing_status"] != df["marketing_status"]).sum() > N // 10
    ctx.dispose()


def test_frame_is_pure_function_of_arguments():
    a, b = demo_frame(1000, 3, NOW_NAIVE), demo_frame(1000, 3, NOW_NAIVE)
    pd.testing.assert_frame_equal(a, b)
    later = demo_frame(1000, 3, NOW_NAIVE + timedelta(days=1))
    assert (later["created_at"] - a["created_at"]).eq(pd.Timedelta(days=1)).all()
    assert len(demo_frame(0, 3, NOW_NAIVE)) == 0
    with pytest.raises(ValidationError):
        demo_frame(-1, 3, NOW_NAIVE)


def test_unengaged_share(demo):
    _, _, df, _ = demo
    unengaged = df.hard_bounced | df.unsubscribed
    assert 0.08 <= unengaged.mean() <= 0.12
    assert 0.03 <= df.hard_bounced.mean() <= 0.05
    assert 0.05 <= df.unsubscribed.mean() <= 0.08
    assert (df.hard_bounced & df.unsubscribed).sum() > 0
    # Some unengaged contacts are marketing: the wizard's "unengaged" step has work to do.
    assert (unengaged & (df.marketing_status == "marketing")).sum() > 0


def test_status_mix(demo):
    _, _, df, _ = demo
    marketing = df.marketing_status == "marketing"
    assert set(df.marketing_status) == {"marketing", "non_marketing"}
    assert 0.50 <= marketing.mean() <= 0.60
    assert not (df.pending_non_marketing & ~marketing).any(), "pending only on marketing contacts"
    assert 0.06 <= df.pending_non_marketing[marketing].mean() <= 0.10
    forms = df.source == "forms"
    assert marketing[forms].mean() > 0.75
    assert marketing[~forms].mean() < 0.45


def test_fields_are_realistic(demo):
    _, _, df, _ = demo
    sources = Counter(df.source)
    assert set(sources) <= {s.value for s in Source}
    assert sources.most_common(1)[0][0] == "forms"
    stages = Counter(df.lifecycle_stage)
    assert set(stages) <= {s.value for s in LifecycleStage}
    assert stages["subscriber"] + stages["lead"] > N // 2
    assert stages["evangelist"] < N * 0.05
    assert df.country.nunique() >= 15
    assert {"Netherlands", "Belgium", "Germany", "United States"} <= set(df.country.dropna())
    assert df.company.nunique() >= 30
    assert df.first_name.nunique() >= 50 and df.last_name.nunique() >= 50
    # Created over the last three years; activity after creation, and not always.
    assert df.created_at.max() <= NOW_NAIVE
    assert df.created_at.min() >= NOW_NAIVE - timedelta(days=3 * 365 + 1)
    assert df.created_at.min() < NOW_NAIVE - timedelta(days=2 * 365)
    active = df.last_activity_at.notna()
    assert 0.8 < active.mean() < 0.95
    assert (df.last_activity_at[active] >= df.created_at[active]).all()
    assert (df.last_activity_at[active] <= NOW_NAIVE).all()
    # the contact rows hold the current state only; history is in the audit rows
    assert not {"prev_marketing_status", "prev_pending", "last_action_id", "status_changed_at"} & set(df.columns)


def test_emails_unique_lowercase_and_valid(demo):
    _, _, df, _ = demo
    assert df.email.is_unique
    assert all(normalize_email(e) == e for e in df.email)


def test_a_few_names_exercise_escaping(demo):
    _, _, df, _ = demo
    cols = df[["first_name", "last_name", "company"]].fillna("")
    tricky = df[cols.apply(lambda c: c.str.contains('[<>"]')).any(axis=1)]
    assert 1 <= len(tricky) <= 5
    assert "<b>Zoë</b>" in set(df.first_name)
    assert any(last == l for _, l, _ in TRICKY for last in df.last_name)


def test_users_tier_action_and_snapshots(demo):
    ctx, result, _, _ = demo
    with ctx.read() as s:
        users = {u.name: (u.role, u.can_edit_marketing) for u in s.scalars(select(User))}
        account = s.get(Account, 1)
        actions = s.scalars(select(Action)).all()
        snaps = s.scalars(select(UsageSnapshot).order_by(UsageSnapshot.taken_at)).all()
    assert users == {"admin": ("admin", True), "alice": ("user", True), "bob": ("user", False)}
    steps = tiers.steps_for(account.edition, account.tier_steps)
    assert account.tier == steps.tiers_fitting(result.marketing) >= result.marketing
    assert [(a.kind, a.actor_kind, a.actor_name, a.matched, a.changed) for a in actions] == \
        [("demo", "system", "demo", N, N)]
    assert 85 <= len(snaps) <= 95
    assert {s.reason for s in snaps} == {"demo"}
    last = snaps[-1]
    assert last.taken_at == NOW_NAIVE
    assert (last.marketing, last.pending, last.non_marketing, last.total) == \
        (result.marketing, result.pending, result.non_marketing, N)
    assert snaps[0].taken_at <= NOW_NAIVE - timedelta(days=85)
    assert len({s.taken_at.date() for s in snaps}) == len(snaps), "one a day"
    assert snaps[0].marketing < last.marketing and snaps[0].marketing > 0.7 * last.marketing
    assert all(s.pending <= s.marketing and s.total == s.marketing + s.non_marketing for s in snaps)
    assert all(s.tier == account.tier for s in snaps)


def test_refill_replaces_everything(tmp_path):
    ctx = open_ctx(tmp_path)
    build_demo(ctx, 5_000, seed=1)
    with ctx.read() as s:
        first_marketing = s.scalars(select(Contact.id).where(Contact.marketing_status == "marketing")
                                    .where(~Contact.pending_non_marketing).limit(10)).all()
    status.set_non_marketing(ctx, ADMIN, Selection.of_ids(first_marketing))  # audit rows to clear
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 10

    with pytest.raises(Conflict, match="not demo data"):  # work done on demo data is data
        build_demo(ctx, 5_000, seed=1)
    result = build_demo(ctx, 5_000, seed=1, actor=ADMIN, replace_all_data=True)
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 5_000 == result.contacts
        assert s.scalar(select(func.min(Contact.id))) == 1
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == 0
        assert [a.kind for a in s.scalars(select(Action))] == ["demo"]
        assert s.scalar(select(func.count()).select_from(UsageSnapshot)) <= 95
        assert s.scalar(select(func.count()).select_from(User)) == 3
    ctx.dispose()


def test_existing_users_and_a_larger_tier_are_kept(tmp_path):
    ctx = open_ctx(tmp_path)
    with ctx.write() as s:
        s.add(User(name="carol", role="admin", can_edit_marketing=True, created_at=NOW_NAIVE))
        s.flush()
        ensure_account(s, NOW_NAIVE).tier = 502_000
    build_demo(ctx, 2_000)
    with ctx.read() as s:
        assert [u.name for u in s.scalars(select(User))] == ["carol"]
        assert s.get(Account, 1).tier == 502_000  # never lowered
    ctx.dispose()


def test_build_demo_on_both_engines(db_url):
    ctx = Context.open(db_url, now=NOW)
    first = build_demo(ctx, 3_000, seed=5)
    again = build_demo(ctx, 3_000, seed=5)
    assert (again.contacts, again.marketing, again.pending) == (first.contacts, first.marketing, first.pending)
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 3_000
        assert s.scalar(select(func.min(Contact.id))) == 1
        assert s.scalar(select(func.count()).select_from(Action)) == 1
    ctx.dispose()


# --- load_contacts ------------------------------------------------------------------

def small_frame(n: int = 7) -> pd.DataFrame:
    return pd.DataFrame({
        "email": [f"p{i}@example.com" for i in range(n)],
        "first_name": ["Zoë", None, "<b>x</b>"] + ["Ann"] * (n - 3),
        "last_name": pd.Series(["O'Brien & \"Sons\"", np.nan] + ["Lee"] * (n - 2), dtype=object),
        "company": [None] * n,
        "country": ["Belgium"] * n,
        "lifecycle_stage": ["lead"] * n,
        "source": ["forms"] * n,
        "created_at": pd.to_datetime([datetime(2025, 1, 2, 3, 4, 5, 678901)] * n),
        "last_activity_at": [datetime(2026, 1, 1, 10, tzinfo=timezone(timedelta(hours=2)))] + [None] * (n - 1),
        "hard_bounced": [True] + [False] * (n - 1),
        "unsubscribed": np.zeros(n, dtype=bool),
        "marketing_status": ["marketing"] * n,
        "pending_non_marketing": [False, True] + [False] * (n - 2),
    })


def test_load_contacts_round_trip(db_url):
    ctx = Context.open(db_url, now=NOW)
    calls = []
    assert load_contacts(ctx.engine, small_frame(), progress=lambda d, t: calls.append((d, t)), chunk_size=3) == 7
    assert calls == [(3, 7), (6, 7), (7, 7)]
    with ctx.read() as s:
        rows = s.scalars(select(Contact).order_by(Contact.id)).all()
    assert [r.id for r in rows] == list(range(1, 8))
    r0, r1 = rows[0], rows[1]
    assert (r0.first_name, r0.last_name, r0.company) == ("Zoë", "O'Brien & \"Sons\"", None)
    assert (r1.first_name, r1.last_name) == (None, None)
    assert r0.created_at == datetime(2025, 1, 2, 3, 4, 5, 678901)
    assert r0.last_activity_at == datetime(2026, 1, 1, 8)  # converted to naive UTC
    assert r1.last_activity_at is None
    assert (r0.hard_bounced, r0.unsubscribed, r0.pending_non_marketing) == (True, False, False)
    assert r1.pending_non_marketing is True
    # Rows written by the ORM afterwards get the next ids and compare with loaded ones.
    with ctx.write() as s:
        s.add(Contact(email="orm@example.com", source="manual", marketing_status="non_marketing",
                      created_at=datetime(2025, 1, 2, 3, 4, 5, 678901)))
    with ctx.read() as s:
        assert s.scalar(select(Contact.id).where(Contact.email == "orm@example.com")) == 8
        same = s.scalar(select(func.count()).select_from(Contact)
                        .where(Contact.created_at == datetime(2025, 1, 2, 3, 4, 5, 678901)))
        assert same == 8
    if ctx.engine.dialect.name == "sqlite":
        with ctx.engine.connect() as conn:
            raw = conn.exec_driver_sql("SELECT DISTINCT created_at FROM contacts").scalars().all()
        assert raw == ["2025-01-02 03:04:05.678901"]  # the ORM's own text form
    ctx.dispose()


def test_load_contacts_keeps_indexes_and_explicit_ids(db_url):
    ctx = Context.open(db_url, now=NOW)
    frame = small_frame(4)
    frame.insert(0, "id", [10, 20, 30, 40])
    load_contacts(ctx.engine, frame)
    names = {ix["name"] for ix in inspect(ctx.engine).get_indexes("contacts")}
    assert {ix.name for ix in Contact.__table__.indexes} <= names
    with ctx.write() as s:
        s.add(Contact(email="next@example.com", source="manual", marketing_status="marketing",
                      created_at=NOW_NAIVE))
    with ctx.read() as s:
        assert s.scalars(select(Contact.id).order_by(Contact.id)).all() == [10, 20, 30, 40, 41]
    ctx.dispose()


def test_load_contacts_is_all_or_nothing(db_url):
    ctx = Context.open(db_url, now=NOW)
    frame = pd.concat([small_frame(5), small_frame(5)], ignore_index=True)  # duplicate emails
    with pytest.raises(ValidationError, match="not loaded"):
        load_contacts(ctx.engine, frame, chunk_size=4)
    with ctx.read() as s:
        assert s.scalar(select(func.count()).select_from(Contact)) == 0
    names = {ix["name"] for ix in inspect(ctx.engine).get_indexes("contacts")}
    assert {ix.name for ix in Contact.__table__.indexes} <= names
    assert load_contacts(ctx.engine, small_frame(5)) == 5  # the store still works
    ctx.dispose()


def test_load_contacts_rejects_unknown_columns_and_accepts_empty(tmp_path):
    ctx = open_ctx(tmp_path)
    with pytest.raises(ValidationError):
        load_contacts(ctx.engine, small_frame().assign(shoe_size=42))
    assert load_contacts(ctx.engine, small_frame().iloc[:0]) == 0
    ctx.dispose()


def test_clear_demo_data(db_url):
    ctx = Context.open(db_url, now=NOW)
    build_demo(ctx, 500)
    with ctx.write() as s:
        clear_demo_data(s)
    with ctx.read() as s:
        for model in (Contact, Action, AuditEvent, UsageSnapshot):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model
        assert s.get(Account, 1) is not None
        assert s.scalar(select(func.count()).select_from(User)) == 3
    ctx.dispose()
