"""The command line's exit codes and its settings: a script can tell a finding in the data from a mistake in the
call, and a wrong setting is a sentence naming it, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT, run_ikg


def _ikg_with(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ikg", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
    )


def test_the_help_lists_what_each_exit_code_means() -> None:
    said = run_ikg("--help").stdout
    for line in ("0  done", "1  findings", "2  usage or environment", "3  refused without consent"):
        assert line in said


def test_a_language_ikg_does_not_speak_is_a_usage_error_naming_the_variable() -> None:
    result = _ikg_with({"IKG_LANG": "fr"}, "validate")
    assert result.returncode == 2
    assert result.stderr == "ikg validate: IKG_LANG='fr' is not a language of ikg's messages; set it to de or en\n"


def test_the_language_variable_chooses_the_messages() -> None:
    result = _ikg_with({"IKG_LANG": "en"}, "validate")
    assert result.stdout.splitlines()[-1].endswith("warning(s)")


def test_the_lang_option_wins_over_the_variable() -> None:
    result = _ikg_with({"IKG_LANG": "fr"}, "validate", "--lang", "de")
    assert result.returncode == 0
    assert "Warnung" in result.stdout.splitlines()[-1]


def test_a_setting_that_is_not_a_number_is_a_usage_error_naming_it() -> None:
    result = _ikg_with({"IKG_PORT": "eighty"}, "serve")
    assert result.returncode == 2
    assert result.stderr == "ikg serve: IKG_PORT='eighty' is not a whole number\n"


def test_publishing_to_a_store_address_that_is_not_one_is_a_usage_error() -> None:
    result = run_ikg("publish", "--store", "ftp://store.example/query")
    assert result.returncode == 2
    assert result.stderr.startswith("ikg publish: ")
    assert "Traceback" not in result.stderr
