"""audit: typed data column; inserts must extend the chain

Revision ID: tp_0006
Revises: tp_0005
Create Date: 2026-12-01 10:00:00

``tenant_privacy_audit_event.data`` holds an event's ids and counts as typed JSON
(``services.audit.DATA_KEYS``). Existing rows keep NULL there, which the hash chain
reads as "no data", so they verify as before. The insert trigger
(``audit_ddl.EXTEND_ONLY``) refuses an event that does not extend its tenant's head
and moves the head to every event it accepts.

The column is added with a plain ``ALTER TABLE ... ADD COLUMN`` (no batch
recreate), so the SQLite triggers of ``tp_0001`` stay in place.
"""

import sqlalchemy as sa
from alembic import op

from tenant_privacy import audit_ddl

revision = "tp_0006"
down_revision = "tp_0005"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "tenant_privacy_audit_event", sa.Column("data", sa.JSON(), nullable=True)
    )
    dialect = op.get_bind().dialect.name
    for statement in audit_ddl.EXTEND_ONLY.get(dialect, []):
        op.execute(statement.strip())


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in audit_ddl.DROP_EXTEND_ONLY.get(dialect, []):
        op.execute(statement)
    if dialect == "sqlite":
        # Dropping a column recreates the table on SQLite: the append-only
        # triggers go with it and are put back afterwards.
        for statement in audit_ddl.DROP_APPEND_ONLY[dialect]:
            op.execute(statement)
        with op.batch_alter_table("tenant_privacy_audit_event") as batch_op:
            batch_op.drop_column("data")
        for statement in audit_ddl.APPEND_ONLY[dialect]:
            op.execute(statement.strip())
    else:
        op.drop_column("tenant_privacy_audit_event", "data")
