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
