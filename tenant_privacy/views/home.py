"""The module's start page for privacy officers."""

from __future__ import annotations

from .context import render
from .routing import Route


def index() -> str:
    """The privacy start page: search and the module's areas."""
    return render("tenant_privacy/index.html")


ROUTES: tuple[Route, ...] = (Route("GET", "/", "index", index),)
