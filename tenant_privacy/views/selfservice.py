"""Self-service ("My privacy", ``/privacy/me``) for every logged-in user of an
enabled tenant: what the system holds about me, a copy of my data mailed to my
login email, and deleting myself (password, a typed word, rate limited).

Every route acts on the user's own subject only (``Actor.person_ref``); a form
names the subject it was shown for, and any other subject answers 404 and changes
nothing. The services are the officers' ones (:mod:`..services.selfservice`).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import typing as t

from flask import Flask
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from ..config import config_value
from ..errors import AlreadyErased
from ..errors import InvalidInput
from ..errors import NotFound
from ..i18n import gettext
from ..models import ErasureJob
from ..proxies import current_privacy
from ..proxies import get_actor
from ..services import erasure
from ..services import selfservice
from .args import form_text
from .context import render
from .context import request_actor
from .context import request_scope
from .context import start_job
from .formatting import field_kinds
from .guard import SELF
from .guard import access
from .naming import tenant_currency
from .routing import Route

if t.TYPE_CHECKING:
    from ..host import Actor
    from ..store.scope import TenantScope

#: Status of a refused password: only these answers count against the limit.
WRONG_PASSWORD = 403


def _actor() -> Actor:
    actor = get_actor()
    if actor is None:  # the guard let no anonymous visitor in
        abort(404)
    return actor


def _me_url() -> str:
    return url_for(f"{request.blueprint}.me")


def confirm_word() -> str:
    """The word a user types to confirm deleting themselves, in their language."""
    return gettext("DELETE")


def _own_subject(scope: TenantScope, actor: Actor) -> int | None:
    """The user's subject id; 404 when the user has no person record here, or
    when the posted form names another subject (a tampered form)."""
    try:
        own = selfservice.own_subject_id(scope, actor, create=False)
    except NotFound:
        abort(404)
    posted = form_text("subject", 20)
    if posted != ("" if own is None else str(own)):
        abort(404)
    return own


@access(SELF)
def me() -> t.Any:
    """What the system holds about me (audited), and my choices."""
    scope = request_scope()
    actor = _actor()
    if actor.person_ref is None:
        return render("tenant_privacy/me.html", overview=None, actor=actor)
    try:
        ov = selfservice.compile_own_overview(scope, actor)
    except NotFound:
        abort(404)
    kinds = {
        g.key: field_kinds(scope.registry.get(g.key), g.labels)
        for g in [*ov.registrations, *ov.related]
    }
    pending = (
        selfservice.open_disclosure(scope, ov.subject_id)
        if ov.subject_id is not None
        else None
    )
    levels = selfservice.own_levels(scope, actor)
    scope.session.commit()
    return render(
        "tenant_privacy/me.html",
        overview=ov,
        actor=actor,
        kinds=kinds,
        currency=tenant_currency(scope.tenant),
        pending=pending,
        can_delete=current_privacy.host.password_checker is not None,
        groups=scope.registry.field_groups(),
        levels=levels,
        level_choices=level_choices(),
    )


def level_choices() -> list[tuple[str, str]]:
    """``(level, words)`` of the three visibility levels, most visible first."""
    return [
        (selfservice.ALL, gettext("All colleagues")),
        (selfservice.OFFICERS, gettext("Privacy officers only")),
        (selfservice.ME, gettext("Nobody but me and privacy officers")),
    ]


@access(SELF)
def me_visibility() -> t.Any:
    """Store who sees which of my field groups (``level-<group>`` fields)."""
    scope = request_scope()
    actor = _actor()
    _own_subject(scope, actor)
    levels = {
        group.name: form_text(f"level-{group.name}", 16)
        for group in scope.registry.field_groups()
        if f"level-{group.name}" in request.form
    }
    changed = selfservice.set_own_levels(scope, actor, levels)
    scope.session.commit()
    if changed:
        flash(gettext("Saved: colleagues see your data as you chose."), "success")
    else:
        flash(gettext("Nothing changed."), "info")
    return redirect(_me_url())


@access(SELF)
def me_copy() -> t.Any:
    """Ask for a copy of my data, mailed to my login email."""
    scope = request_scope()
    actor = _actor()
    _own_subject(scope, actor)
    try:
        _req, export = selfservice.request_own_copy(scope, actor)
    except InvalidInput as exc:
        scope.session.rollback()
        flash(str(exc), "error")
        return redirect(_me_url())
    scope.session.commit()
    if start_job(
        "build_export",
        gettext("Your copy could not be made. Please try again later."),
        tenant=export.tenant_key,
        export_id=export.id,
    ):
        flash(
            gettext(
                "We are making a copy of your data and will mail a download link "
                "to %(email)s.",
                email=actor.email,
            ),
            "success",
        )
    return redirect(_me_url())


def _delete_page(scope: TenantScope, actor: Actor, error: str | None = None) -> str:
    subject_id = selfservice.own_subject_id(scope, actor, create=False)
    plan = selfservice.preview_own_erasure(scope, actor)
    erasure.record_preview(scope, request_actor(), plan)
    scope.session.commit()
    return render(
        "tenant_privacy/me_delete.html",
        plan=plan,
        subject_id=subject_id,
        erasure=erasure,
        word=confirm_word(),
        last_admin=current_privacy.host.is_last_admin(actor),
        can_delete=current_privacy.host.password_checker is not None,
        error=error,
    )


@access(SELF)
def me_delete() -> t.Any:
    """What deleting me removes, anonymises and keeps (and why); the form."""
    if request.method == "POST":
        return _delete_post()
    scope = request_scope()
    actor = _actor()
    if actor.person_ref is None:
        abort(404)
    try:
        return _delete_page(scope, actor)
    except NotFound:
        abort(404)


def _refuse(scope: TenantScope, actor: Actor, message: str, status: int) -> t.Any:
    scope.session.rollback()
    return _delete_page(scope, actor, error=message), status


def _delete_post() -> t.Any:
    scope = request_scope()
    actor = _actor()
    host = current_privacy.host
    _own_subject(scope, actor)
    if host.password_checker is None:
        abort(404)
    if host.is_last_admin(actor):
        message = gettext(
            "You are the only administrator of this tenant. Appoint another "
            "administrator first, then delete your account."
        )
        return _refuse(scope, actor, message, 409)
    typed = form_text("word", 40)
    if typed.casefold() != confirm_word().casefold():
        message = gettext("Type %(word)s to confirm.", word=confirm_word())
        return _refuse(scope, actor, message, 400)
    password = request.form.get("password") or ""
    if len(password) > 1024 or not host.check_password(actor, password):
        message = gettext("That is not your password. Nothing was changed.")
        return _refuse(scope, actor, message, WRONG_PASSWORD)
    try:
        req, job = selfservice.request_own_erasure(scope, actor)
    except AlreadyErased:
        scope.session.rollback()
        flash(gettext("Your data was erased already; nothing changed."), "info")
        return redirect(_me_url())
    scope.session.commit()
    job_id, due = job.id, req.due_at
    # the request stands whatever its job does: the user's access ends now, and
    # an erasure that fails waits in the register for an officer (docs: self-service)
    start_job(
        "erase",
        gettext(
            "Erasing the data about you did not finish. Our privacy officers see "
            "this in their register and will finish it."
        ),
        tenant=scope.tenant,
        erasure_id=job_id,
    )
    host.self_deleted(actor)
    scope.session.commit()
    status = scope.get(ErasureJob, id=job_id).status
    return render("tenant_privacy/me_deleted.html", status=status, due=due)


def _account_key() -> str:
    """The limiter's key of the user whose password is tried: a keyed hash of
    their id, so the counts hold no user id."""
    secret = current_app.secret_key or ""
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    actor = get_actor()
    who = f"{actor.tenant}/{actor.id}" if actor is not None else ""
    return hmac.new(key, who.encode(), hashlib.sha256).hexdigest()


def _limit(name: str) -> str:
    return str(config_value(name))


def _wrong_password(response: Response) -> bool:
    return response.status_code == WRONG_PASSWORD


def install_limits(limiter: Limiter, app: Flask, endpoint: str) -> None:
    """Rate-limit wrong passwords at *endpoint* per user and per client address
    (``TENANT_PRIVACY_SELF_DELETE_LIMIT``); past it every try answers 429, the
    right password too, until the window has passed."""
    view = app.view_functions[endpoint]
    for key_func, scope in (
        (_account_key, "tp_self_delete_user"),
        (get_remote_address, "tp_self_delete_ip"),
    ):
        view = limiter.limit(
            functools.partial(_limit, "SELF_DELETE_LIMIT"),
            key_func=key_func,
            scope=scope,
            methods=["POST"],
            deduct_when=_wrong_password,
        )(view)
    app.view_functions[endpoint] = view


def too_many() -> t.Any:
    """The 429 of the password check: inside the layout, nothing changed."""
    page = render(
        "tenant_privacy/error.html",
        code=429,
        title=gettext("Too many attempts"),
        explanation=gettext(
            "Too many wrong passwords. Nothing was changed. Please try again later."
        ),
        reason=None,
        back_to_module=False,
        home_url=request.script_root + "/",
    )
    return page, 429


ROUTES: tuple[Route, ...] = (
    Route("GET", "/me", "me", me),
    Route("POST", "/me/copy", "me_copy", me_copy),
    Route("POST", "/me/visibility", "me_visibility", me_visibility),
    Route("GET", "/me/delete", "me_delete", me_delete),
    Route("POST", "/me/delete", "me_delete_post", me_delete),
)
