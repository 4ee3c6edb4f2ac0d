"""rq and redis are an optional extra (``tenant_privacy[rq]``).

Without them an app with inline jobs (the embedded default) starts and runs a scan;
an app that sends jobs to rq fails at ``init_app`` saying which extra to install.
"""

from __future__ import annotations

import sys

import pytest

from tenant_privacy.errors import ConfigError
from tests import duplicates_helpers as h
from tests.conftest import seed


@pytest.fixture
def without_rq(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import rq`` and ``import redis`` fail, as when the extra is absent."""
    for name in list(sys.modules):
        if name.split(".")[0] in ("rq", "redis"):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "rq", None)
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError):
        import rq  # noqa: F401


def test_inline_app_runs_a_scan_without_rq(without_rq, make_app, login) -> None:
    app = seed(make_app())
    client = app.test_client()
    login(client, "officer@fjord.test")
    assert client.post("/privacy/duplicates/scan").status_code == 302
    page = client.get("/privacy/duplicates").get_data(as_text=True)
    assert 'data-status="done"' in page
    assert h.suggestions(app, "fjord", "pending")
    assert "rq" not in sys.modules or sys.modules["rq"] is None


def test_rq_app_without_rq_fails_at_init_naming_the_extra(without_rq, make_app) -> None:
    with pytest.raises(ConfigError) as info:
        make_app(
            TENANT_PRIVACY_JOBS_INLINE=False,
            TENANT_PRIVACY_REDIS_URL="redis://127.0.0.1:1/0",
            TENANT_PRIVACY_APP_FACTORY="wsgi:create_app",
        )
    assert "tenant_privacy[rq]" in str(info.value)
