"""Error pages (400, 403, 404, 410, 500) inside the host's layout, translated.

The module's blueprint answers its errors with ``tenant_privacy/error.html``
(which extends ``layout.html``, so the configured ``BASE_TEMPLATE``: the host's
base, or the module's own), in the reader's language and with a way back. A host
may use the same pages for its own errors with one line,
``privacy.install_error_pages(app)``.
"""

from __future__ import annotations

import logging
import typing as t

from flask import Flask
from flask import request
from markupsafe import escape
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError

from ..config import config_value
from ..i18n import gettext
from ..proxies import current_privacy
from .context import render
from .context import template_context
from .guard import may_open

if t.TYPE_CHECKING:
    from flask import Blueprint

logger = logging.getLogger(__name__)

#: The status codes that get a page of ours.
ERROR_CODES: tuple[int, ...] = (400, 403, 404, 405, 410, 500)


def _texts(code: int) -> tuple[str, str]:
    """Title and explanation of *code*, translated."""
    if code == 400:
        return gettext("The request could not be understood"), gettext(
            "Something in the address or the form was not as expected."
        )
    if code == 403:
        return gettext("You may not open this page"), gettext(
            "Your account has no access to this page. Ask an administrator if you "
            "need it."
        )
    if code == 405:
        return gettext("This page cannot be used that way"), gettext(
            "The address exists, but not for what was asked of it, for example a "
            "form's address opened directly."
        )
    if code == 410:
        return gettext("This page is gone"), gettext(
            "What you asked for existed once but is no longer available, for "
            "example an expired download link."
        )
    if code == 500:
        return gettext("Something went wrong on our side"), gettext(
            "The error has been logged. Try again in a moment."
        )
    return gettext("Page not found"), gettext(
        "There is no page at this address, or it is not yours to see."
    )


def _in_module() -> bool:
    return request.blueprint == config_value("BLUEPRINT_NAME")


def _own_description(exc: HTTPException) -> str | None:
    """A reason the code gave (translated where it was raised), not Werkzeug's."""
    description = exc.description
    if description and description != type(exc).description:
        return str(description)
    return None


def error_page(exc: HTTPException) -> tuple[str, int, dict[str, str]]:
    """Render the error page of *exc* (an HTTP error, 500 for anything else)."""
    if not isinstance(exc, HTTPException):
        exc = InternalServerError(original_exception=exc)
    code = exc.code or 500
    if code >= 500:
        try:
            current_privacy.session.rollback()
        except Exception:  # noqa: BLE001 - the page must still be answered
            logger.exception("rollback before the error page failed")
    title, explanation = _texts(code)
    context: dict[str, t.Any] = dict(template_context())
    in_module = _in_module()
    context.update(
        code=code,
        title=title,
        explanation=explanation,
        reason=_own_description(exc) if code == 400 else None,
        back_to_module=in_module and code < 500 and may_open("index"),
        home_url=request.script_root + "/",
    )
    if not in_module or code >= 500:
        context["tp_nav"] = []  # host pages show no module menu; a 500 asks nothing
    # a 405 keeps its Allow header
    headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
    try:
        return render("tenant_privacy/error.html", **context), code, headers
    except Exception:  # noqa: BLE001 - a broken layout must not hide the error
        logger.exception("the error page could not be rendered")
        page = f"<!doctype html><title>{code}</title><h1>{escape(title)}</h1>"
        return page, code, headers


def register(target: Blueprint | Flask) -> None:
    """Answer :data:`ERROR_CODES` of *target* (the blueprint or a host app)."""
    for code in ERROR_CODES:
        target.register_error_handler(code, error_page)
