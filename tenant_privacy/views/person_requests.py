"""A tenant's public form where anyone asks, by email address, for a copy of their
data or for its erasure, and the confirmation link that enters the request in
the register (an erasure request waits there for an officer).

The answer to the form is the same whether or not the address is known. The form
is rate limited per client address and per email address (:func:`install_limits`);
nothing is stored before the person confirms.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import typing as t

from flask import Flask
from flask import abort
from flask import current_app
from flask import request
from flask import url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from ..config import config_value
from ..errors import InvalidInput
from ..i18n import gettext
from ..proxies import current_privacy
from ..services import disclosure
from ..services import requests as register
from ..services import tenants
from .args import form_text
from .context import render
from .guard import PUBLIC
from .guard import access
from .routing import Route


def _tenant(tenant_key: str) -> str:
    """The tenant's name; 404 unless it exists and has the module on."""
    info = current_privacy.host.tenant_info(tenant_key)
    if info is None or not tenants.is_enabled(current_privacy.session, tenant_key):
        abort(404)
    return info.name


@access(PUBLIC)
def request_form(tenant_key: str) -> t.Any:
    """The form: an email address and what is asked (a copy, or erasure); GET
    shows it, POST mails a confirmation link."""
    name = _tenant(tenant_key)
    if request.method == "GET":
        return render(
            "tenant_privacy/person_request.html", tenant_name=name, sent=False
        )
    address, kind = "", register.DISCLOSURE
    try:
        address = form_text("email", 254)
        kind = form_text("kind", 16) or register.DISCLOSURE
        token = disclosure.sign_request(
            current_app.secret_key or "", tenant_key, address, kind
        )
    except InvalidInput as exc:
        page = render(
            "tenant_privacy/person_request.html",
            tenant_name=name,
            sent=False,
            error=str(exc),
            email=address[:254],
            kind=kind if kind in register.KINDS else register.DISCLOSURE,
        )
        return page, 400
    link = url_for(
        f"{request.blueprint}.person_request_confirm",
        tenant_key=tenant_key,
        token=token,
        _external=True,
    )
    mail = disclosure.compose_confirmation(
        current_privacy.mailer.sender, address, name, link, kind
    )
    current_privacy.mailer.send(mail)
    return render("tenant_privacy/person_request.html", tenant_name=name, sent=True)


@access(PUBLIC)
def confirm(tenant_key: str, token: str) -> t.Any:
    """The confirmation link: GET asks to confirm (a link alone changes nothing),
    POST enters the request in the register."""
    name = _tenant(tenant_key)
    try:
        address, kind = disclosure.read_token(
            current_app.secret_key or "", token, tenant_key
        )
    except InvalidInput as exc:
        return render(
            "tenant_privacy/person_request_confirm.html",
            tenant_name=name,
            error=str(exc),
            done=None,
        ), 400
    if request.method == "GET":
        return render(
            "tenant_privacy/person_request_confirm.html",
            tenant_name=name,
            error=None,
            done=None,
            kind=kind,
        )
    scope = current_privacy.scope(tenant_key)
    made = disclosure.confirm_request(scope, address, kind)
    scope.session.commit()
    due = min(row.due_at for row in made)
    return render(
        "tenant_privacy/person_request_confirm.html",
        tenant_name=name,
        error=None,
        done=due,
        kind=kind,
    )


def _address_key() -> str:
    """The limiter's key of the address asked about: a keyed hash, so that the
    counts hold no email address."""
    secret = current_app.secret_key or ""
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    address = (request.form.get("email") or "").strip().lower().encode()
    return hmac.new(key, address, hashlib.sha256).hexdigest()


def _limit(name: str) -> str:
    return str(config_value(name))


def install_limits(app: Flask, endpoint: str) -> Limiter:
    """Rate-limit posts of the form at *endpoint* per client address and per email
    address (``TENANT_PRIVACY_REQUEST_LIMIT_IP`` and ``..._ADDRESS``); one limiter
    per app, counts in ``TENANT_PRIVACY_REQUEST_LIMIT_STORAGE`` (memory by default:
    one process; a Redis URL when several serve the form). Returns the limiter,
    which the module's other limits share."""
    limiter = Limiter(
        get_remote_address,
        app=app,
        storage_uri=str(config_value("REQUEST_LIMIT_STORAGE", app.config)),
    )
    view = app.view_functions[endpoint]
    for setting, key_func, scope in (
        ("REQUEST_LIMIT_IP", get_remote_address, "tp_request_ip"),
        ("REQUEST_LIMIT_ADDRESS", _address_key, "tp_request_address"),
    ):
        view = limiter.limit(
            functools.partial(_limit, setting),
            key_func=key_func,
            scope=scope,
            methods=["POST"],
        )(view)
    app.view_functions[endpoint] = view
    return limiter


def too_many(error: Exception) -> t.Any:
    """The form's 429: inside the layout, saying when to try again."""
    page = render(
        "tenant_privacy/person_request.html",
        tenant_name="",
        sent=False,
        error=gettext("Too many requests from here. Please try again later."),
    )
    return page, 429


ROUTES: tuple[Route, ...] = (
    Route("GET", "/request/<tenant_key>", "person_request", request_form),
    Route("POST", "/request/<tenant_key>", "person_request_post", request_form),
    Route(
        "GET",
        "/request/<tenant_key>/confirm/<token>",
        "person_request_confirm",
        confirm,
    ),
    Route(
        "POST",
        "/request/<tenant_key>/confirm/<token>",
        "person_request_confirm_post",
        confirm,
    ),
)
