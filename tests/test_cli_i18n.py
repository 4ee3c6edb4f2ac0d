"""CLI messages go through the module's gettext, in the operator's language.

There is no request in a CLI, so no user setting or Accept-Language: the commands
speak the shell's locale (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``) when it
names a language we ship, else ``TENANT_PRIVACY_DEFAULT_LANGUAGE`` (English unless
configured). Machine-readable rows (tab-separated) are never translated.
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
    from tenant_privacy.locale import select_locale

    with nb_app.app_context():
        assert select_locale() == "nb"


def test_cli_follows_a_norwegian_shell(app, runner, monkeypatch):
    monkeypatch.setenv("LANG", "nb_NO.UTF-8")
    result = runner.invoke(args=["privacy", "tenant", "disable", "nowhere", "--yes"])
    assert result.exit_code == 2
    assert "Feil: ukjent kunde 'nowhere'" in result.output


def test_an_english_shell_overrides_a_norwegian_default(nb_app, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    result = nb_app.test_cli_runner().invoke(
        args=["privacy", "tenant", "disable", "nowhere", "--yes"]
    )
    assert "Error: unknown tenant 'nowhere'" in result.output


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "no_NO.UTF-8"}, "nb"),
        ({"LANG": "nn_NO.UTF-8"}, "nb"),
        ({"LANG": "sv_SE.UTF-8"}, "en"),
        ({"LANGUAGE": "sv:nb:en", "LANG": "sv_SE.UTF-8"}, "nb"),
        ({"LANGUAGE": "sv", "LANG": "nb_NO.UTF-8"}, "nb"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "nb_NO.UTF-8"}, "en"),
        ({"LC_MESSAGES": "nb_NO@euro", "LANG": "en_US"}, "nb"),
    ],
)
def test_cli_language_reads_the_locale_variables_as_gettext_does(
    app, environ, expected
):
    from tenant_privacy.cli import cli_language

    with app.app_context():
        assert cli_language(environ) == expected
