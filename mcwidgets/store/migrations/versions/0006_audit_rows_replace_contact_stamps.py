"""audit rows replace the contacts' status stamps: drop prev_marketing_status, prev_pending,
last_action_id, status_changed_at and ix_contacts_last_action

Undo and history read the audit rows (one per contact an action changed: old and new
value, when, which action), which hold everything the stamps held. Before the columns
go, a stamped change that has no audit row (none is expected: every write wrote both)
gets one from the stamps, so nothing is lost. The downgrade rebuilds the stamps from
each contact's latest audit row.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 21:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Carry any stamped change without its audit row over (only for an action that
    # still exists: audit_events.action_id is a foreign key).
    op.execute(
        "INSERT INTO audit_events (action_id, contact_id, at, old_status, new_status, old_pending, new_pending) "
        "SELECT c.last_action_id, c.id, COALESCE(c.status_changed_at, a.at), c.prev_marketing_status, "
        "c.marketing_status, c.prev_pending, c.pending_non_marketing "
        "FROM contacts c JOIN actions a ON a.id = c.last_action_id "
        "WHERE NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.action_id = c.last_action_id "
        "AND e.contact_id = c.id) ORDER BY c.id"
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_last_action')
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('last_action_id')
        batch_op.drop_column('prev_pending')
        batch_op.drop_column('prev_marketing_status')


def downgrade() -> None:
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_marketing_status', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('prev_pending', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('last_action_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(), nullable=True))
    # Each contact's latest audit row gives its stamps back.
    latest = ("(SELECT e.{col} FROM audit_events e WHERE e.contact_id = contacts.id "
              "ORDER BY e.id DESC LIMIT 1)")
    op.execute(
        "UPDATE contacts SET "
        f"prev_marketing_status = {latest.format(col='old_status')}, "
        f"prev_pending = {latest.format(col='old_pending')}, "
        f"last_action_id = {latest.format(col='action_id')}, "
        f"status_changed_at = {latest.format(col='at')} "
        "WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.contact_id = contacts.id)"
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_last_action', ['last_action_id'], unique=False)
