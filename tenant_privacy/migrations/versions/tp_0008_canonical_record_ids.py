"""a record id is stored in one canonical form: CHECK on subject link rows

The primary key ``(tenant_key, source_key, record_id)`` of
``tenant_privacy_subject_record`` already allows one subject per stored id; the
hole was several spellings of one id (``"05"``, ``" 5"``, ``"+5"``), which the
store now refuses or canonicalises (``tenant_privacy.store.refs.canonical_id``).
This adds what the database can check for every key type: a record id is not
empty and has no leading or trailing ASCII whitespace
(``tenant_privacy.models.record_id_trimmed``, rendered with ``char()`` on SQLite
and ``chr()`` elsewhere, so no control character is written into the DDL).

Nothing has been released, so no database holds non-canonical rows: this revision
only adds the constraint and does not rewrite or merge existing rows (a database
that holds a padded id fails the upgrade, naming the constraint).

Revision ID: tp_0008
Revises: tp_0007
Create Date: 2026-12-06 10:00:00

"""

from alembic import op

from tenant_privacy.models import record_id_trimmed

revision = "tp_0008"
down_revision = "tp_0007"
branch_labels = None
depends_on = None

NAME = "ck_tenant_privacy_subject_record_record_id_trimmed"


def upgrade():
    with op.batch_alter_table("tenant_privacy_subject_record") as batch:
        batch.create_check_constraint(op.f(NAME), record_id_trimmed())


def downgrade():
    with op.batch_alter_table("tenant_privacy_subject_record") as batch:
        batch.drop_constraint(op.f(NAME), type_="check")
