"""Request arguments of the views, read through the input layer
(:mod:`tenant_privacy.inputs`) and checked once.

A malformed value raises :class:`~tenant_privacy.errors.InvalidInput`, which the
blueprint answers with 400 and the translated reason (the page number aborts
with its own message).
"""

from __future__ import annotations

import typing as t

from flask import abort
from flask import request

from .. import inputs
from ..errors import InvalidInput
from ..i18n import gettext

if t.TYPE_CHECKING:
    import datetime as dt

#: Highest page number a list accepts.
MAX_PAGE = 100_000


def page_arg(name: str = "page") -> int:
    """The page number in the query string (1 when absent).

    :param name: the query-string argument.
    :raises werkzeug.exceptions.BadRequest: not a whole number from 1 to
        :data:`MAX_PAGE`.
    """
    raw = request.args.get(name, "").strip() or "1"
    try:
        return inputs.int_id(raw, name, maximum=MAX_PAGE)
    except InvalidInput:
        abort(
            400,
            description=gettext(
                "The page must be a whole number from 1 to %(max)s.", max=MAX_PAGE
            ),
        )


def arg_text(name: str, max_len: int | None) -> str:
    """The query-string argument *name* as checked text (``""`` when absent).

    :raises InvalidInput: see :func:`tenant_privacy.inputs.text_arg`.
    """
    return inputs.text_arg(request.args.get(name), max_len, name)


def arg_id(name: str) -> int | None:
    """The query-string argument *name* as an id, or None when absent or empty.

    :raises InvalidInput: see :func:`tenant_privacy.inputs.int_id`.
    """
    raw = inputs.text_arg(request.args.get(name), None, name)
    return inputs.int_id(raw, name) if raw else None


def arg_date(name: str) -> dt.date | None:
    """The query-string argument *name* as a date, or None when absent or empty.

    :raises InvalidInput: see :func:`tenant_privacy.inputs.date_arg`.
    """
    return inputs.date_arg(inputs.text_arg(request.args.get(name), None, name), name)


def form_text(name: str, max_len: int | None) -> str:
    """The form field *name* as checked text (``""`` when absent).

    :raises InvalidInput: see :func:`tenant_privacy.inputs.text_arg`.
    """
    return inputs.text_arg(request.form.get(name), max_len, name)
