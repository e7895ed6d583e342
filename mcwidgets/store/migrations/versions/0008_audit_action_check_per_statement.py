"""PostgreSQL: audit_events.action_id checked once per statement, not once per row

A bulk action, a rollover or an import writes one audit row per contact with ONE
``INSERT ... SELECT``. The foreign key to ``actions`` made PostgreSQL run its check
(a ``SELECT 1 FROM actions WHERE id = $1 FOR KEY SHARE``) once per row: ~6 µs a row,
about 1.3 s of a 200,000-row import, the largest cost after the indexes (issue 16).
Every row of such a statement names the same action, so on PostgreSQL the key is
replaced by statement-level triggers that keep the same guarantee set-based:

* an INSERT, or an UPDATE of ``action_id``, into ``audit_events`` whose new rows name
  an action that does not exist fails with SQLSTATE 23503 (foreign_key_violation),
  as the key did: one anti-join of the statement's new rows (a transition table)
  against ``actions``;
* a DELETE of actions that audit rows still name fails the same way.

What the key also did and the triggers do not: take a KEY SHARE lock on the action
row, which kept a concurrent transaction from deleting the action meanwhile. No
code deletes an action outside ``store.bulk.clear_demo_data``, which empties
``audit_events`` first. SQLite keeps the foreign key: its check is an index probe
inside the insert loop, cheap, and SQLite has no statement-level triggers.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 02:10:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

FK_NAME = "audit_events_action_id_fkey"  # PostgreSQL's name for 0001's unnamed key

CHECK_NEW = """
CREATE FUNCTION mcw_audit_actions_exist() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE missing integer;
BEGIN
    SELECT n.action_id INTO missing FROM (SELECT DISTINCT action_id FROM mcw_new_rows) n
    WHERE n.action_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actions a WHERE a.id = n.action_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('insert or update on table "audit_events" violates its check on action_id: '
                             'no action %s', missing);
    END IF;
    RETURN NULL;
END $$
"""
CHECK_OLD = """
CREATE FUNCTION mcw_actions_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE named integer;
BEGIN
    SELECT o.id INTO named FROM mcw_old_rows o
    WHERE EXISTS (SELECT 1 FROM audit_events e WHERE e.action_id = o.id) LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = format('delete on table "actions" would leave audit rows of action %s without it', named);
    END IF;
    RETURN NULL;
END $$
"""
TRIGGERS = (
    "CREATE TRIGGER mcw_audit_insert_action AFTER INSERT ON audit_events "
    "REFERENCING NEW TABLE AS mcw_new_rows FOR EACH STATEMENT EXECUTE FUNCTION mcw_audit_actions_exist()",
    "CREATE TRIGGER mcw_audit_update_action AFTER UPDATE ON audit_events "
    "REFERENCING NEW TABLE AS mcw_new_rows FOR EACH STATEMENT EXECUTE FUNCTION mcw_audit_actions_exist()",
    "CREATE TRIGGER mcw_actions_delete AFTER DELETE ON actions "
    "REFERENCING OLD TABLE AS mcw_old_rows FOR EACH STATEMENT EXECUTE FUNCTION mcw_actions_unreferenced()",
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(CHECK_NEW)
    op.execute(CHECK_OLD)
    for ddl in TRIGGERS:
        op.execute(ddl)
    op.drop_constraint(FK_NAME, "audit_events", type_="foreignkey")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_foreign_key(FK_NAME, "audit_events", "actions", ["action_id"], ["id"])
    for name, table in (("mcw_audit_insert_action", "audit_events"), ("mcw_audit_update_action", "audit_events"),
                        ("mcw_actions_delete", "actions")):
        op.execute(f"DROP TRIGGER {name} ON {table}")
    op.execute("DROP FUNCTION mcw_audit_actions_exist()")
    op.execute("DROP FUNCTION mcw_actions_unreferenced()")
