"""The command line's exit codes and its settings: a script can tell a finding in the data from a mistake in the
call, and a wrong setting is a sentence naming it, never a traceback.

The command line runs in this process (`ikg.cli.main`, what the `ikg` script calls) where a separate one would
only add its start-up; the settings come from the environment as they do for a user."""

from __future__ import annotations

import pytest

from ikg.cli import main

from conftest import ROOT

MINIMAL = str(ROOT / "tests" / "fixtures" / "minimal.trig")


def test_the_help_lists_what_each_exit_code_means(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    said = capsys.readouterr().out
    for line in ("0  done", "1  findings", "2  usage or environment", "3  refused without consent"):
        assert line in said


def test_a_language_ikg_does_not_speak_is_a_usage_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IKG_LANG", "fr")
    assert main(["validate", "--root", str(ROOT), "--alone", MINIMAL]) == 2
    said = capsys.readouterr().err
    assert said == "ikg validate: IKG_LANG='fr' is not a language of ikg's messages; set it to de or en\n"


def test_the_language_variable_chooses_the_messages(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IKG_LANG", "en")
    assert main(["validate", "--root", str(ROOT), "--alone", MINIMAL]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "no problems found"


def test_the_lang_option_wins_over_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IKG_LANG", "fr")
    assert main(["validate", "--root", str(ROOT), "--alone", MINIMAL, "--lang", "de"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "keine Probleme gefunden"


def test_a_setting_that_is_not_a_number_is_a_usage_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("IKG_PORT", "eighty")
    assert main(["serve", "--root", str(ROOT)]) == 2
    assert capsys.readouterr().err == "ikg serve: IKG_PORT='eighty' is not a whole number\n"


def test_publishing_to_a_store_address_that_is_not_one_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", "--root", str(ROOT), "--store", "ftp://store.example/query"]) == 2
    said = capsys.readouterr().err
    assert said.startswith("ikg publish: ")
    assert "Traceback" not in said
