"""user.session_token: what the session cookie holds, replaced at logout

Revision ID: demo_0002
Revises: demo_0001
Create Date: 2026-12-07 10:00:00.000000

Existing users get a random token each, so every session made before the upgrade
(which named the user id) ends once.
"""

import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "demo_0002"
down_revision = "demo_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_token", sa.String(length=64), nullable=True)
        )

    user = sa.table("user", sa.column("id", sa.Integer), sa.column("session_token"))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(user.c.id)).all():
        conn.execute(
            user.update()
            .where(user.c.id == user_id)
            .values(session_token=secrets.token_urlsafe(32))
        )

    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.alter_column(
            "session_token", existing_type=sa.String(length=64), nullable=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_user_session_token"), ["session_token"]
        )


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_user_session_token"), type_="unique")
        batch_op.drop_column("session_token")
