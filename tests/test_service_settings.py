"""What `notecoder serve` refuses to start with, and the one definition of a confidence floor the command line and
the service share. uvicorn is replaced by a recorder: nothing listens."""

import json
import os

import pytest
from typer.testing import CliRunner

from notecoder.cli import app
from notecoder.pipeline import MAX_NOTE_CHARS
from notecoder.service.api import ExtractRequest, app_factory
from notecoder.service.confidence import confidence_floor
from notecoder.service.settings import ServiceSettings

runner = CliRunner()


@pytest.fixture
def started(monkeypatch):
    """The keyword arguments `serve` would start uvicorn with, per call; the environment it sets is undone."""
    import uvicorn

    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda target, **options: calls.append(options))
    monkeypatch.delenv("NOTECODER_TOKEN", raising=False)
    for name in ServiceSettings.model_fields:
        monkeypatch.delenv(f"NOTECODER_{name.upper()}", raising=False)
    return calls


def serve(*args: str, token: str | None = None):
    return runner.invoke(app, ["serve", *args], env={"NOTECODER_TOKEN": token} if token is not None else {})


@pytest.mark.parametrize("token", ["", "   "])
def test_an_empty_token_is_refused(started, token):
    result = serve(token=token)
    assert result.exit_code == 2 and "NOTECODER_TOKEN is set but empty" in result.output and not started


def test_an_empty_token_is_refused_by_each_worker_too(monkeypatch):
    monkeypatch.setenv("NOTECODER_TOKEN", "")
    with pytest.raises(ValueError, match="NOTECODER_TOKEN is set but empty"):
        app_factory()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.1.2.3", "notes.example.org"])
def test_listening_beyond_this_machine_needs_a_token_or_an_explicit_flag(started, host):
    refused = serve("--host", host)
    assert refused.exit_code == 2 and "--insecure-no-token" in refused.output and not started
    assert serve("--host", host, token="t0k3n").exit_code == 0
    assert serve("--host", host, "--insecure-no-token").exit_code == 0
    assert [call["host"] for call in started] == [host, host]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_this_machine_only_needs_no_token(started, host):
    assert serve("--host", host).exit_code == 0 and started[0]["access_log"] is False


def test_a_note_cap_over_what_notecoder_reads_is_refused(started):
    result = serve("--max-note-chars", "6000000")
    assert result.exit_code == 2 and f"{MAX_NOTE_CHARS:,} characters notecoder reads" in result.output
    assert not started


@pytest.mark.parametrize("option", ["--processes=0", "--queue=-1", "--request-seconds=0", "--body-seconds=nan"])
def test_a_bad_setting_names_its_option(started, option):
    result = serve(option)
    assert result.exit_code == 2 and option.split("=")[0] in result.output and not started


@pytest.mark.parametrize("chars", [20_000, 1_000_000])
def test_the_body_cap_follows_the_note_cap(chars):
    """A note at the cap fits in a body under the default body cap however its JSON is written."""
    settings = ServiceSettings(max_note_chars=chars)
    worst = json.dumps({"text": "\U0001f600" * chars, "setting": "outpatient", "min_confidence": 0.5})  # \u escapes
    assert len(worst.encode()) <= settings.body_bytes
    assert ServiceSettings(max_note_chars=chars, max_notes=3, max_request_chars=3 * chars).body_bytes > 3 * len(worst)


def test_the_settings_travel_to_the_workers(started):
    assert serve("--max-note-chars", "20000", "--processes", "3", "--request-seconds", "7.5").exit_code == 0
    read = ServiceSettings.from_environment()
    assert (read.max_note_chars, read.processes, read.request_seconds) == (20_000, 3, 7.5)
    assert "NOTECODER_MAX_NOTE_CHARS" in os.environ


@pytest.mark.parametrize("floor", ["nan", "inf", "-inf", "7", "-5", "1.0000001", "high"])
def test_the_cli_and_the_service_refuse_the_same_confidence_floors(floor):
    result = runner.invoke(app, ["extract", "--sample", "--min-confidence", floor, "--format", "json"])
    assert result.exit_code == 2 and "min_confidence must be a finite number from 0 to 1" in result.output
    with pytest.raises(ValueError):
        ExtractRequest.model_validate({"text": "Neck pain.", "min_confidence": floor})
    with pytest.raises(ValueError):
        confidence_floor(floor)


@pytest.mark.parametrize("floor", ["0", "0.5", "1"])
def test_the_cli_and_the_service_accept_the_same_confidence_floors(floor):
    assert ExtractRequest.model_validate({"text": "Neck pain.", "min_confidence": floor}).min_confidence == float(floor)
    assert confidence_floor(floor) == float(floor)
