"""billing boundary as an instant; tier events

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 20:00:00.000000

``account.processed_until``: the processed boundary as a UTC instant. An existing
account gets the first instant, in its time zone, of the last update date it
processed (or the instant it was created).
"""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _day_start(d, tz):
    try:
        zone = ZoneInfo(tz or "UTC")
    except Exception:
        zone = timezone.utc
    local = datetime(d.year, d.month, d.day, tzinfo=zone)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def upgrade() -> None:
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('processed_until', sa.DateTime(), nullable=True))
    conn = op.get_bind()
    for id_, last, tz, created in conn.execute(
            sa.text("SELECT id, last_update_processed, timezone, created_at FROM account")).all():
        if isinstance(last, str):
            last = datetime.fromisoformat(last).date()
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        boundary = _day_start(last, tz) if last is not None else created
        conn.execute(sa.text("UPDATE account SET processed_until = :b WHERE id = :i"), {"b": boundary, "i": id_})
    op.create_table('tier_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('tier_from', sa.Integer(), nullable=False),
    sa.Column('tier_to', sa.Integer(), nullable=False),
    sa.Column('marketing', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('action_kind', sa.String(length=32), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('contacts', sa.Integer(), nullable=False),
    sa.Column('acknowledged_by', sa.String(length=100), nullable=True),
    sa.Column('acknowledged_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('tier_events', schema=None) as batch_op:
        batch_op.create_index('ix_tier_events_acknowledged', ['acknowledged_at', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tier_events', schema=None) as batch_op:
        batch_op.drop_index('ix_tier_events_acknowledged')
    op.drop_table('tier_events')
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('processed_until')
