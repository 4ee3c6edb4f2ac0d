"""CLI messages go through the module's gettext, in its configured default language.

There is no request in a CLI, so no user setting or Accept-Language: the commands
speak ``TENANT_PRIVACY_DEFAULT_LANGUAGE`` (English unless configured). Machine-readable
rows (tab-separated) are never translated.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import seed


@pytest.fixture
def nb_app(make_app):
    """The seeded demo with the module's default language set to Bokmål."""
    return seed(make_app(TENANT_PRIVACY_DEFAULT_LANGUAGE="nb"))


def test_cli_speaks_bokmaal_when_it_is_the_default_language(nb_app):
    runner = nb_app.test_cli_runner()
    result = runner.invoke(args=["privacy", "tenant", "disable", "nowhere", "--yes"])
    assert result.exit_code == 2
    assert "Feil: ukjent kunde 'nowhere'" in result.output

    result = runner.invoke(args=["privacy", "duplicates", "scan", "--tenant", "fjord"])
    assert result.exit_code == 0, result.output
    assert "Søker gjennom" in result.output
    assert re.search(
        r"gjennomsøk \d+: \d+ registreringer, \d+ ventende forslag", result.output
    )

    result = runner.invoke(args=["privacy", "tenant", "disable", "fjord", "--yes"])
    assert result.exit_code == 0, result.output
    assert "fjord: avslått" in result.output
    # machine-readable output stays untranslated
    result = runner.invoke(args=["privacy", "tenant", "list"])
    assert "fjord\tdisabled\tFjord Regnskap AS" in result.output.splitlines()


def test_cli_speaks_english_by_default(app, runner):
    result = runner.invoke(args=["privacy", "tenant", "disable", "nowhere", "--yes"])
    assert result.exit_code == 2
    assert "Error: unknown tenant 'nowhere'" in result.output

    result = runner.invoke(args=["privacy", "duplicates", "scan", "--tenant", "fjord"])
    assert result.exit_code == 0, result.output
    assert "Scanning" in result.output
    assert re.search(r"scan \d+: \d+ records, \d+ pending suggestions", result.output)

    result = runner.invoke(args=["privacy", "tenant", "disable", "fjord", "--yes"])
    assert result.exit_code == 0, result.output
    assert "fjord: disabled" in result.output


def test_select_locale_outside_a_request_answers_the_default(nb_app):
    from tenant_privacy.i18n import select_locale

    with nb_app.app_context():
        assert select_locale() == "nb"
