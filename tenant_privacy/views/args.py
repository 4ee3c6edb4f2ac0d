"""Request arguments shared by several views, parsed and checked once.

A malformed value answers 400 with a translated reason.
"""

from __future__ import annotations

from flask import abort
from flask import request

from ..i18n import gettext

#: Highest page number a list accepts.
MAX_PAGE = 100_000


def page_arg(name: str = "page") -> int:
    """The page number in the query string (1 when absent).

    :param name: the query-string argument.
    :raises werkzeug.exceptions.BadRequest: not a whole number from 1 to
        :data:`MAX_PAGE`.
    """
    raw = request.args.get(name, "").strip() or "1"
    digits = raw.isascii() and raw.isdigit() and len(raw) <= len(str(MAX_PAGE))
    if not digits or not 1 <= int(raw) <= MAX_PAGE:
        abort(
            400,
            description=gettext(
                "The page must be a whole number from 1 to %(max)s.", max=MAX_PAGE
            ),
        )
    return int(raw)
