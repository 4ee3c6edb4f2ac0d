"""The demo's login hardening: redirects after login, secret key, cookies, logout,
throttling, and the same work for known and unknown emails."""

from __future__ import annotations

import urllib.parse

import pytest

HOSTILE_NEXT = [
    "//evil.com",
    "///evil.com",
    "/%09/evil.com",
    "/\t/evil.com",
    "/%0a/evil.com",
    "/%0d%0aSet-Cookie:x=1",
    "/\\evil.com",
    "/%5Cevil.com",
    "\\\\evil.com",
    "https://evil.com",
    "HTTPS://evil.com/",
    "http:evil.com",
    "//evil.com/%2e%2e",
    "javascript:alert(1)",
    " javascript:alert(1)",
    "java%0d%0ascript:alert(1)",
    "%2F%2Fevil.com",
    "/%E2%80%AE/evil.com",  # right-to-left override, a format character
    "\x00/evil.com",
    "evil.com",
    "",
]


def _login_next(client, target):
    # The raw query string: hostile values must reach the app as a browser sends them.
    query = "next=" + (target if "%" in target else urllib.parse.quote(target, safe=""))
    return client.post(
        "/login?" + query,
        data={"email": "staff@fjord.test", "password": "demo"},
    )


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_login_never_redirects_off_the_host(client, target) -> None:
    response = _login_next(client, target)
    assert response.status_code == 302, target
    location = response.headers["Location"]
    parts = urllib.parse.urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location == "/", location  # the home page
    assert "\\" not in location and not any(ord(c) < 32 for c in location)


@pytest.mark.parametrize(
    "target",
    ["/contacts", "/contacts?q=Hansen&page=2", "/privacy/me", "/contacts/7#notes"],
)
def test_login_follows_a_path_on_this_host(client, target) -> None:
    response = _login_next(client, target)
    assert response.status_code == 302
    assert response.headers["Location"] == target


# -- the secret key -------------------------------------------------------------------


@pytest.fixture
def no_key_env(monkeypatch, tmp_path):
    """No SECRET_KEY in the environment, no debug, a fresh instance folder."""
    for name in ("SECRET_KEY", "FLASK_DEBUG", "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    return {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'key.sqlite3'}",
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }


def _dispose(app):
    from demo.models import db

    with app.app_context():
        db.engine.dispose()


def test_no_secret_key_refuses_to_start(no_key_env) -> None:
    from demo import create_app

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(no_key_env)


def test_secret_key_from_the_environment(no_key_env, monkeypatch) -> None:
    from demo import create_app

    monkeypatch.setenv("SECRET_KEY", "from-the-environment-" + "x" * 32)
    app = create_app(no_key_env)
    assert app.secret_key == "from-the-environment-" + "x" * 32
    _dispose(app)


def test_debug_makes_a_key_once_in_the_instance_folder(no_key_env) -> None:
    import pathlib

    from demo import create_app

    first = create_app({**no_key_env, "DEBUG": True})
    key_file = pathlib.Path(no_key_env["INSTANCE_PATH"]) / "secret_key"
    assert key_file.is_file() and key_file.stat().st_mode & 0o077 == 0
    assert first.secret_key and len(first.secret_key) >= 32
    assert first.secret_key in key_file.read_text()
    # later starts, with or without debug (make run's migrate, seed, run), reuse it
    again = create_app(no_key_env)
    assert again.secret_key == first.secret_key
    for app in (first, again):
        _dispose(app)


def test_testing_starts_without_a_key_but_not_with_a_fixed_one(no_key_env) -> None:
    import pathlib

    from demo import create_app

    one = create_app({**no_key_env, "TESTING": True})
    other = no_key_env["INSTANCE_PATH"] + "-2"
    two = create_app({**no_key_env, "TESTING": True, "INSTANCE_PATH": other})
    assert one.secret_key and one.secret_key != two.secret_key
    assert not (pathlib.Path(other) / "secret_key").exists()  # nothing written
    for app in (one, two):
        _dispose(app)


# -- cookies ---------------------------------------------------------------------------


def _set_cookie(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    raise AssertionError(f"no {name} cookie set")


def test_session_cookie_flags(client, login) -> None:
    cookie = _set_cookie(login(client, "staff@fjord.test"), "session")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http by default (make run)


def test_session_cookie_secure_over_https(make_app, login) -> None:
    app = make_app(SESSION_COOKIE_SECURE=True)
    from tests.conftest import seed

    seed(app, 5)
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    client = app.test_client()
    cookie = _set_cookie(login(client, "staff@fjord.test"), "session")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("value,expected", [("1", True), ("true", True), ("0", False)])
def test_session_cookie_secure_from_the_environment(
    make_app, monkeypatch, value, expected
) -> None:
    monkeypatch.setenv("SESSION_COOKIE_SECURE", value)
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] is expected
    assert app.config["REMEMBER_COOKIE_SECURE"] is expected


# -- logout ends the session on the server ---------------------------------------------


def test_a_cookie_copied_before_logout_stops_working(app, login) -> None:
    client = app.test_client()
    login(client, "staff@fjord.test")
    stolen = client.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/contacts").status_code == 200  # the copy works while logged in
    assert client.post("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/contacts")
    assert response.status_code == 302 and "/login" in response.location
    assert thief.get("/api/contacts").status_code == 401
    # logging in again works, with a new session
    login(client, "staff@fjord.test")
    assert client.get("/contacts").status_code == 200
    assert client.get_cookie("session").value != stolen


def test_session_does_not_carry_the_user_id(app, login) -> None:
    """The session holds the user's session token, not the guessable row id."""
    import sqlalchemy as sa

    from demo.models import User
    from demo.models import db

    client = app.test_client()
    login(client, "staff@fjord.test")
    with client.session_transaction() as session:
        user_ref = session["_user_id"]
    with app.app_context():
        user = db.session.scalars(
            sa.select(User).where(User.email == "staff@fjord.test")
        ).one()
        assert user_ref == user.session_token != str(user.id)
        assert len(user.session_token) >= 32


# -- throttling ------------------------------------------------------------------------


def test_failed_logins_for_one_account_are_throttled(app, login) -> None:
    client = app.test_client()
    for _ in range(5):
        assert login(client, "staff@fjord.test", "wrong").status_code == 401
    blocked = login(client, "staff@fjord.test", "wrong")
    assert blocked.status_code == 429
    # the right password does not get through either while the account is paused,
    # from another address too
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.9"
    assert login(elsewhere, "staff@fjord.test").status_code == 429
    assert login(elsewhere, "STAFF@fjord.test ").status_code == 429
    # another account is not paused
    assert login(client, "admin@fjord.test").status_code == 302


def test_successful_logins_are_not_counted(app, login) -> None:
    client = app.test_client()
    for _ in range(8):
        assert login(client, "staff@fjord.test").status_code == 302
        client.post("/logout")


def test_failed_logins_from_one_address_are_throttled(make_app, login) -> None:
    from tests.conftest import seed

    app = seed(make_app(DEMO_LOGIN_LIMIT_IP="4 per 15 minutes"), 5)
    client = app.test_client()
    for n in range(4):
        assert login(client, f"nobody{n}@example.test", "x").status_code == 401
    assert login(client, "nobody9@example.test", "x").status_code == 429
    assert login(client, "staff@fjord.test").status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert login(other, "staff@fjord.test").status_code == 302


def test_throttled_page_is_in_the_layout_and_translated(app, login) -> None:
    client = app.test_client()
    for _ in range(6):
        response = client.post(
            "/login",
            data={"email": "staff@fjord.test", "password": "wrong"},
            headers={"Accept-Language": "nb"},
        )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "<header>" in page and "</main>" in page
    assert "For mange" in page
    english = client.post(
        "/login", data={"email": "staff@fjord.test", "password": "wrong"}
    )
    assert english.status_code == 429
    assert "Too many" in english.get_data(as_text=True)


# -- the same work for known and unknown emails ----------------------------------------


def test_unknown_email_checks_a_password_hash_too(client, login, monkeypatch) -> None:
    import demo.auth

    calls = []
    real = demo.auth.check_password_hash

    def counting(pwhash, password):
        calls.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(demo.auth, "check_password_hash", counting)
    assert login(client, "staff@fjord.test", "wrong").status_code == 401
    known = list(calls)
    calls.clear()
    assert login(client, "nobody@fjord.test", "wrong").status_code == 401
    unknown = list(calls)
    assert len(known) == len(unknown) == 1
    assert known == unknown  # the same hash method, so the same cost
    calls.clear()
    assert login(client, "nobody@fjord.test", "demo").status_code == 401
    assert len(calls) == 1
