"""``flask --app wsgi demo seed``: fill the demo with two Norwegian tenants."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="The demo CRM.")

LOGINS = (
    "admin@fjord.test",
    "officer@fjord.test",
    "staff@fjord.test",
    "admin@nordlys.test",
    "officer@nordlys.test",
    "staff@nordlys.test",
    "operator@saas.test",
)


@demo_cli.command("seed")
@click.option("--contacts", default=300, show_default=True, help="Contacts per tenant.")
@click.option("--seed", "rng_seed", default=7, show_default=True, help="Random seed.")
def seed(contacts: int, rng_seed: int) -> None:
    """Create the demo tenants, users and CRM data (idempotent)."""
    from .seed import seed_demo

    seed_demo(contacts_per_tenant=contacts, rng_seed=rng_seed)
    click.echo("Demo data ready. Logins (password 'demo'):")
    for email in LOGINS:
        click.echo(f"  {email}")


def init_app(app: Flask) -> None:
    """Add the ``demo`` command group to *app*."""
    app.cli.add_command(demo_cli)
