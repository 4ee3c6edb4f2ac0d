"""The demo host: a small multi-tenant CRM that installs ``tenant_privacy``.

``create_app(config)`` builds the whole demo; the *config* dict overrides everything
(database URL, CSRF, folders), so tests and benchmarks drive it in-process.
"""

from __future__ import annotations

import os
import pathlib
import secrets
import typing as t

import jinja2
import sqlalchemy as sa
from flask import Flask
from flask import current_app
from flask import has_request_context
from flask import render_template
from flask import request
from flask_babel import Babel
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import RequestEntityTooLarge

from .models import db

ROOT = pathlib.Path(__file__).resolve().parent.parent
LANGUAGES = ["en", "nb"]
#: The file in the instance folder that holds a development secret key.
SECRET_KEY_FILE = "secret_key"
_SECRET_KEY_HEADER = """\
# The secret key of the demo host on this machine: it signs the session cookies.
# Made once by `make run` (or the first `flask --app wsgi run --debug`); keep it
# private, never commit it. In production set the SECRET_KEY environment variable.
"""


def select_locale() -> str | None:
    """The logged-in user's language, then the browser's best match.

    Outside a request (CLI commands, jobs) it answers English.
    """
    if not has_request_context():
        return "en"
    if current_user and current_user.is_authenticated:
        language = getattr(current_user, "language", None)
        if language in LANGUAGES:
            return t.cast(str, language)
    return request.accept_languages.best_match(LANGUAGES) or "en"


def _env_flag(name: str) -> bool:
    """The environment variable *name* as yes/no (``1``, ``true``, ``yes``, ``on``)."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _default_config(instance_path: str) -> dict[str, t.Any]:
    sqlite_path = pathlib.Path(instance_path) / "demo.sqlite3"
    config: dict[str, t.Any] = {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or None,
        # Cookies: never readable by scripts, not sent on cross-site POSTs, and only
        # over HTTPS when the demo is served over HTTPS (SESSION_COOKIE_SECURE=1).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_flag("SESSION_COOKIE_SECURE"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Failed logins (demo/auth.py): per account, and per client address (higher:
        # an office shares one). Counts in memory unless RATELIMIT_STORAGE_URI is set
        # (e.g. redis://...), which every process of one site must share.
        "DEMO_LOGIN_LIMIT_ACCOUNT": "5 per 15 minutes",
        "DEMO_LOGIN_LIMIT_IP": "30 per 15 minutes",
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STRATEGY": "moving-window",
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{sqlite_path}"
        ),
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_TRANSLATION_DIRECTORIES": str(
            pathlib.Path(__file__).parent / "translations"
        ),
        "TENANT_PRIVACY_BASE_TEMPLATE": "base.html",
        # base.html shows flashed messages itself, the module's too
        "TENANT_PRIVACY_SHOW_FLASHES": False,
        "TENANT_PRIVACY_JOBS_INLINE": True,
        "TENANT_PRIVACY_LANGUAGES": tuple(LANGUAGES),
        # download links mailed from a command or a worker point here
        "TENANT_PRIVACY_PUBLIC_URL": os.environ.get(
            "PUBLIC_URL", "http://127.0.0.1:5000"
        ),
        "DEMO_UPLOAD_MAX_BYTES": 2 * 1024 * 1024,
        # Larger requests answer 413 before anything reads them (the CSV upload
        # plus room for the form around it); None: derived from the upload limit.
        "MAX_CONTENT_LENGTH": None,
    }
    redis_url = os.environ.get("REDIS_URL")
    if redis_url:
        config["TENANT_PRIVACY_JOBS_INLINE"] = False
        config["TENANT_PRIVACY_REDIS_URL"] = redis_url
        config["TENANT_PRIVACY_APP_FACTORY"] = "wsgi:create_app"
    return config


def write_secret_key_file(path: str | os.PathLike[str]) -> str:
    """Make a random secret key in the file *path* unless it exists; return the key.

    The file is created readable by its owner only. ``make run`` calls this for the
    development instance folder.
    """
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_secret_key_file(path) or ""
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(_SECRET_KEY_HEADER + key + "\n")
    return key


def _read_secret_key_file(path: pathlib.Path) -> str | None:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return None
    keys = [line.strip() for line in lines if line.strip() and line[0] != "#"]
    return keys[0] if keys else None


def _secret_key(app: Flask) -> str:
    """The key that signs session cookies; there is no fixed fallback.

    In order: ``SECRET_KEY`` (configuration or environment), the file
    ``secret_key`` in the instance folder, then only in debug mode a key made once
    in that file, and under ``TESTING`` a random key for this app. Anything else
    refuses to start.

    :raises RuntimeError: naming ``SECRET_KEY`` when there is no key.
    """
    key = app.config.get("SECRET_KEY")
    if key:
        return t.cast(str, key)
    path = pathlib.Path(app.instance_path) / SECRET_KEY_FILE
    key = _read_secret_key_file(path)
    if key:
        return key
    if app.debug:
        return write_secret_key_file(path)
    if app.testing:
        return secrets.token_urlsafe(48)
    raise RuntimeError(
        "SECRET_KEY is not set: the demo signs session cookies with it and has no "
        "default. Set the environment variable SECRET_KEY to a long random value "
        "(python -c 'import secrets; print(secrets.token_urlsafe(48))'), or put "
        f"one in {path}; `make run` makes that file for development."
    )


def _sqlite_foreign_keys(app: Flask) -> None:
    with app.app_context():
        engines = db.engines.values()
        for engine in engines:
            if engine.dialect.name == "sqlite":
                sa.event.listen(engine, "connect", _enable_foreign_keys)


def _enable_foreign_keys(dbapi_connection: t.Any, connection_record: t.Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _init_migrate(app: Flask) -> None:
    """Flask-Migrate over the demo's folder, with the module's branch added."""
    try:
        from flask_migrate import Migrate
    except ImportError:  # the demo extra is not installed: no ``flask db``
        return
    from tenant_privacy import migrations_path

    migrate = Migrate(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)

    @migrate.configure
    def _versions(config: t.Any) -> t.Any:
        locations = [str(ROOT / "migrations" / "versions"), migrations_path()]
        config.set_main_option("path_separator", "os")
        config.set_main_option("version_locations", os.pathsep.join(locations))
        return config


def _bad_request(error: BadRequest) -> tuple[str, int]:
    """A refused value (the module's pages too): its reason, inside the layout."""
    page = render_template(
        "error.html",
        title=_("The request was refused"),
        message=error.description or _("Something in the request is not valid."),
    )
    return page, 400


def _too_large(error: RequestEntityTooLarge) -> tuple[str, int]:
    """A request (an upload, say) over ``MAX_CONTENT_LENGTH``: say what the limit is."""
    limit = current_app.config.get("DEMO_UPLOAD_MAX_BYTES") or 0
    page = render_template(
        "error.html",
        title=_("The file is too large"),
        message=_(
            "Send at most %(size)s MB at a time; split a larger file into parts.",
            size=f"{limit / 1024 / 1024:.0f}",
        ),
    )
    return page, 413


def create_app(config: dict[str, t.Any] | None = None) -> Flask:
    """Build the demo CRM with the privacy module mounted at ``/privacy``.

    :param config: overrides any configuration (``SQLALCHEMY_DATABASE_URI``,
        ``WTF_CSRF_ENABLED``, ``TENANT_PRIVACY_*``, folders, ...).
    """
    config = dict(config or {})
    app = Flask(
        __name__,
        instance_path=config.pop("INSTANCE_PATH", None)
        or os.environ.get("DEMO_INSTANCE_PATH")
        or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(_default_config(app.instance_path))
    app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SECRET_KEY"] = _secret_key(app)
    if app.config.get("MAX_CONTENT_LENGTH") is None:
        app.config["MAX_CONTENT_LENGTH"] = app.config["DEMO_UPLOAD_MAX_BYTES"] + 65536
    # Flask-Login's remember cookie follows the session cookie unless set apart.
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])

    # Templates: our own folder first, then the packaged module templates under the
    # prefix "packaged/", so an override can extend the original it replaces.
    app.jinja_loader = jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(str(ROOT / "templates")),
            jinja2.PrefixLoader(
                {"packaged": jinja2.PackageLoader("tenant_privacy", "templates")}
            ),
        ]
    )

    db.init_app(app)
    _sqlite_foreign_keys(app)
    _init_migrate(app)
    CSRFProtect(app)
    Babel(app, locale_selector=select_locale)

    from . import auth

    auth.init_app(app)

    from .privacy_setup import make_privacy

    privacy = make_privacy()
    privacy.init_app(app)
    privacy.install_error_pages(app)  # the CRM's 400/403/404/410/500 pages too

    from . import api
    from . import cli
    from . import views
    from .forms import IdConverter

    app.url_map.converters["id"] = IdConverter
    app.register_error_handler(400, _bad_request)
    app.register_error_handler(413, _too_large)

    @app.context_processor
    def _demo_context() -> dict[str, t.Any]:
        return {"demo_locale": lambda: str(get_locale() or "en")}

    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    cli.init_app(app)
    return app
