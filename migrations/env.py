"""Alembic environment of the demo host: the demo's tables and the module's branch.

Autogenerate compares against both metadatas. A revision written to the module's
branch (``--head tenant_privacy@head`` or ``--version-path`` of the module) keeps only
operations on ``tenant_privacy_*`` tables; any other revision only the host's tables.
"""

import logging
import os
from logging.config import fileConfig

from alembic import context
from flask import current_app

import tenant_privacy

config = context.config
if config.config_file_name:
    fileConfig(config.config_file_name)
logger = logging.getLogger("alembic.env")

MODULE_PREFIX = "tenant_privacy_"


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")


config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db
target_metadata = [target_db.metadata, tenant_privacy.metadata]


def _writes_module_branch(script):
    head = script.head or ""
    if head.startswith("tenant_privacy"):
        return True
    if script.version_path:
        module = os.path.realpath(tenant_privacy.migrations_path())
        return os.path.realpath(script.version_path) == module
    return False


def _only_branch_tables(script):
    """Keep only the operations on tables of the branch the revision is written to."""
    module = _writes_module_branch(script)

    def keep(op):
        table = getattr(op, "table_name", None) or ""
        return table.startswith(MODULE_PREFIX) == module

    for ops in (script.upgrade_ops, script.downgrade_ops):
        ops.ops[:] = [op for op in ops.ops if keep(op)]


def run_migrations_offline():
    """Run migrations in 'offline' mode (SQL script output)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations against the app's database."""

    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            _only_branch_tables(script)
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_as_batch", True)

    with get_engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(
                connection=connection, target_metadata=target_metadata, **conf_args
            )
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _sqlite_check_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection, on):
    """Turn SQLite's foreign-key enforcement on or off for this connection.

    Batch mode rebuilds a table to alter it (copy, drop the old one, rename): with
    enforcement on (the demo turns it on for every connection), dropping a table that
    other rows reference fails. SQLite's own procedure for such changes: keys off,
    outside a transaction; change; ``foreign_key_check`` before commit; keys on.
    """
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    connection.commit()


def _sqlite_check_foreign_keys(connection):
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"migration broke foreign keys: {broken[:10]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
