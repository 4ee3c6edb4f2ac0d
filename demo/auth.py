"""Login, logout and the user's language setting (flask-login, werkzeug hashes)."""

from __future__ import annotations

import typing as t
import unicodedata
import urllib.parse

import sqlalchemy as sa
from flask import Blueprint
from flask import Flask
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import LoginManager
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from werkzeug.security import check_password_hash

from .models import User
from .models import db

bp = Blueprint("auth", __name__)


def init_app(app: Flask) -> None:
    """Install flask-login and the login pages on *app*."""
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
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()
        password = request.form.get("password") or ""
        user = db.session.scalars(
            sa.select(User).where(sa.func.lower(User.email) == email)
        ).first()
        if user is not None and check_password_hash(user.password_hash, password):
            login_user(user)
            return redirect(
                _safe_next(request.args.get("next")) or url_for("demo.dashboard")
            )
        error = _("Wrong email or password.")
    status = 401 if error else 200
    return render_template("login.html", error=error), status


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
