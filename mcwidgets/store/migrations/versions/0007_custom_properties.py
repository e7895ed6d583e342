"""custom properties: the custom_properties table, contacts.custom (JSONB / JSON text) and
held_import_rows.custom

Each property's expression index is created by ``store.custom`` when the property is
created (and dropped or renamed with it), not here: no property exists yet.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00.000000
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('custom_properties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=16), nullable=False),
    sa.Column('options', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    # A nullable column without a default: instant on both engines, even at a million rows.
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('custom', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                                      nullable=True))
    # A held import keeps its rows' custom property values too (store.importing's staging column).
    with op.batch_alter_table('held_import_rows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('custom', sa.Text(), nullable=True))


def downgrade() -> None:
    bind = op.get_bind()
    # The per-property expression indexes read the column: drop them first.
    names = [r[0] for r in bind.execute(sa.text("SELECT name FROM custom_properties"))]
    for name in names:
        op.execute(f'DROP INDEX IF EXISTS "ix_contacts_custom_{name}"')
    with op.batch_alter_table('held_import_rows', schema=None) as batch_op:
        batch_op.drop_column('custom')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_column('custom')
    op.drop_table('custom_properties')
