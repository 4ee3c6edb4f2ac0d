"""The module's start page for privacy officers."""

from __future__ import annotations

from flask import Blueprint

from .context import render


def register(bp: Blueprint) -> None:
    """Add the start page."""

    @bp.get("/", endpoint="index")
    def index() -> str:
        """The privacy start page: search and the module's areas."""
        return render("tenant_privacy/index.html")
