"""Login, logout and the user's language setting (flask-login, werkzeug hashes)."""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
import secrets
import typing as t
import unicodedata
import urllib.parse

import sqlalchemy as sa
from flask import Blueprint
from flask import Flask
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_babel import ngettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from werkzeug.exceptions import TooManyRequests
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash

from .forms import column_length
from .forms import is_clean
from .models import User
from .models import db

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Install flask-login, the login pages and their throttling on *app*."""
    manager = LoginManager(app)
    manager.login_view = "auth.login"
    manager.login_message = lazy_gettext("Please log in to see this page.")

    @manager.user_loader
    def _load(session_token: str) -> User | None:
        # The session holds User.session_token, not the id: a session made before
        # the user's last logout names an old token and finds no one.
        if not session_token:
            return None
        return db.session.scalars(
            sa.select(User).where(User.session_token == session_token)
        ).first()

    app.register_blueprint(bp)
    _throttle_login(app)
    _dummy_hash()  # made once per process, before the first login


# -- throttling ------------------------------------------------------------------------


def _throttle_login(app: Flask) -> None:
    """Limit failed logins per account and per client address (flask-limiter).

    Only failed attempts count (a 401); past a limit, every login for that account,
    or from that address, answers 429 until the window has passed, the right password
    too. Limits: ``DEMO_LOGIN_LIMIT_ACCOUNT`` and ``DEMO_LOGIN_LIMIT_IP``, read at
    request time; counts live in ``RATELIMIT_STORAGE_URI`` (memory by default: one
    process; use Redis when the host runs several).

    One :class:`~flask_limiter.Limiter` per app, wrapped around this app's view
    function, so that apps built side by side (tests) never share counts or settings.
    """
    limiter = Limiter(get_remote_address, app=app)
    view = app.view_functions["auth.login"]
    for setting, key_func, scope in (
        ("DEMO_LOGIN_LIMIT_ACCOUNT", _account_key, "account"),
        ("DEMO_LOGIN_LIMIT_IP", get_remote_address, "address"),
    ):
        view = limiter.limit(
            functools.partial(_config_value, setting),
            key_func=key_func,
            scope=scope,
            methods=["POST"],
            deduct_when=_failed,
        )(view)
    app.view_functions["auth.login"] = view
    app.register_error_handler(429, _too_many_attempts)


def _config_value(name: str) -> str:
    return t.cast(str, current_app.config[name])


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _form_email() -> str:
    return (request.form.get("email") or "").strip().lower()


def _account_key() -> str:
    """The limiter's key of the account being tried: a keyed hash of the email,
    so that the counts (in Redis, say) hold no email address."""
    secret = current_app.secret_key
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(key, _form_email().encode(), hashlib.sha256).hexdigest()


def _too_many_attempts(error: TooManyRequests) -> tuple[str, int, dict[str, str]]:
    limit = getattr(error, "limit", None)
    seconds = limit.limit.get_expiry() if limit is not None else 15 * 60
    minutes = max(math.ceil(seconds / 60), 1)
    message = ngettext(
        "Logging in is paused after several failed attempts. Please wait up to "
        "%(num)d minute and try again.",
        "Logging in is paused after several failed attempts. Please wait up to "
        "%(num)d minutes and try again.",
        minutes,
    )
    page = render_template("too_many_attempts.html", message=message)
    return page, 429, {"Retry-After": str(seconds)}


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, checked when the email is unknown, so that a
    login takes as long for an unknown email as for a known one (the same method
    and cost as the stored hashes: werkzeug's default)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def _safe_next(target: str | None) -> str | None:
    r"""*target* if it is a path on this host, else None (then go to the home page).

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so
    ``/<tab>/evil.com`` and ``/\evil.com`` lead to another site; newlines would also
    break the ``Location`` header. Any control, format or space character and any
    backslash is refused outright, never cleaned up. What is left must parse as a
    bare path: no scheme, no host, starting with one ``/``.
    """
    if not target or len(target) > 2048:
        return None
    if "\\" in target or any(unicodedata.category(c)[0] in "CZ" for c in target):
        return None
    try:
        parts = urllib.parse.urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login() -> t.Any:
    """Log in with ``email`` and ``password``."""
    error = None
    email = ""
    if request.method == "POST":
        email = _form_email()
        password = request.form.get("password") or ""
        user = None
        if is_clean(email, column_length(User, "email")):  # else no one has it
            user = db.session.scalars(
                sa.select(User).where(sa.func.lower(User.email) == email)
            ).first()
        # one hash check whether or not the email is known: the same time for both
        stored = user.password_hash if user is not None else _dummy_hash()
        if check_password_hash(stored, password) and user is not None:
            login_user(user)
            return redirect(
                _safe_next(request.args.get("next")) or url_for("demo.dashboard")
            )
        error = _("Wrong email or password.")
    status = 401 if error else 200
    # a refused login keeps the typed address (when it is one a user could have)
    typed = email if is_clean(email, column_length(User, "email")) else ""
    return render_template("login.html", error=error, email=typed), status


@bp.post("/logout")
def logout() -> t.Any:
    """Log out, and end the session on the server too: the user's session token is
    replaced, so a copy of the session cookie (taken before) no longer logs anyone in.
    This ends the user's sessions in other browsers as well."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings() -> t.Any:
    """The user's own settings: the interface language."""
    if request.method == "POST":
        language = request.form.get("language") or None
        if language not in (None, "en", "nb"):
            abort(400)
        current_user.language = language
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("auth.settings"))
    return render_template("settings.html")
