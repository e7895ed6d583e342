"""held import rows: the rows of an import the spike guard holds, staged when it is held

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-01 20:00:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('held_import_rows',
    sa.Column('held_id', sa.Integer(), nullable=False),
    sa.Column('row_no', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('email', sa.Text(), nullable=True),
    sa.Column('email_ok', sa.Boolean(), nullable=False),
    sa.Column('first_name', sa.Text(), nullable=True),
    sa.Column('last_name', sa.Text(), nullable=True),
    sa.Column('company', sa.Text(), nullable=True),
    sa.Column('country', sa.Text(), nullable=True),
    sa.Column('lifecycle_stage', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(), nullable=True),
    sa.Column('hard_bounced', sa.Boolean(), nullable=True),
    sa.Column('unsubscribed', sa.Boolean(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=True),
    sa.Column('pending', sa.Boolean(), nullable=True),
    sa.Column('intent', sa.String(length=20), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['held_id'], ['held_actions.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('held_id', 'row_no')
    )


def downgrade() -> None:
    op.drop_table('held_import_rows')
