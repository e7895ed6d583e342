"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 06:54:51.621733
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('billing_period', sa.String(length=16), nullable=False),
    sa.Column('billing_start', sa.Date(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('edition', sa.String(length=16), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('requested_tier', sa.Integer(), nullable=True),
    sa.Column('last_update_processed', sa.Date(), nullable=True),
    sa.Column('tier_steps', sa.JSON(), nullable=True),
    sa.Column('price_table', sa.JSON(), nullable=True),
    sa.Column('spike_limit', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('actor_kind', sa.String(length=16), nullable=False),
    sa.Column('actor_name', sa.String(length=100), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('undone_by', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.create_index('ix_actions_at', ['at'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('company', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=100), nullable=True),
    sa.Column('lifecycle_stage', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_activity_at', sa.DateTime(), nullable=True),
    sa.Column('hard_bounced', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('unsubscribed', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('marketing_status', sa.String(length=16), nullable=False),
    sa.Column('pending_non_marketing', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('prev_marketing_status', sa.String(length=16), nullable=True),
    sa.Column('prev_pending', sa.Boolean(), nullable=True),
    sa.Column('last_action_id', sa.Integer(), nullable=True),
    sa.Column('status_changed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index('ix_contacts_created_at_id', ['created_at', 'id'], unique=False)
        batch_op.create_index('ix_contacts_last_action', ['last_action_id'], unique=False)
        batch_op.create_index('ix_contacts_last_activity_id', ['last_activity_at', 'id'], unique=False)
        batch_op.create_index('ix_contacts_last_name_id', ['last_name', 'id'], unique=False)
        batch_op.create_index('ix_contacts_status_pending', ['marketing_status', 'pending_non_marketing'], unique=False)

    op.create_table('source_defaults',
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('source')
    )
    op.create_table('usage_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('marketing', sa.Integer(), nullable=False),
    sa.Column('pending', sa.Integer(), nullable=False),
    sa.Column('non_marketing', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('usage_snapshots', schema=None) as batch_op:
        batch_op.create_index('ix_usage_taken_at', ['taken_at'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('can_edit_marketing', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('old_status', sa.String(length=16), nullable=True),
    sa.Column('new_status', sa.String(length=16), nullable=False),
    sa.Column('old_pending', sa.Boolean(), nullable=True),
    sa.Column('new_pending', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['actions.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_action', ['action_id'], unique=False)
        batch_op.create_index('ix_audit_contact', ['contact_id', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_contact')
        batch_op.drop_index('ix_audit_action')

    op.drop_table('audit_events')
    op.drop_table('users')
    with op.batch_alter_table('usage_snapshots', schema=None) as batch_op:
        batch_op.drop_index('ix_usage_taken_at')

    op.drop_table('usage_snapshots')
    op.drop_table('source_defaults')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index('ix_contacts_status_pending')
        batch_op.drop_index('ix_contacts_last_name_id')
        batch_op.drop_index('ix_contacts_last_activity_id')
        batch_op.drop_index('ix_contacts_last_action')
        batch_op.drop_index('ix_contacts_created_at_id')

    op.drop_table('contacts')
    with op.batch_alter_table('actions', schema=None) as batch_op:
        batch_op.drop_index('ix_actions_at')

    op.drop_table('actions')
    op.drop_table('account')
