"""Tests that need more than the Python packages: `browser` (Debian's Chromium, run directly or through Playwright),
`spark` (PySpark on local[2], its executors running PYSPARK_PYTHON) and `postgresql` (a server the tests may create
databases on, named by NOTECODER_TEST_POSTGRESQL). On a machine without them they skip. Where NOTECODER_REQUIRE names
them (`.ci/run` sets NOTECODER_REQUIRE=browser,spark,postgresql), such a skip fails the run, and so does a run that
selected none of them: a CI that lost its Chromium, its PySpark or its PostgreSQL cannot pass green.

Loaded by tests/conftest.py; mark a test `@pytest.mark.browser`, `@pytest.mark.spark` or `@pytest.mark.postgresql`."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
KINDS = ("browser", "spark", "postgresql")
POSTGRESQL_VARIABLE = "NOTECODER_TEST_POSTGRESQL"
"""A PostgreSQL server's URL the worklist's tests may create databases on (`.ci/postgresql start` prints one)."""
VARIABLE = "NOTECODER_REQUIRE"
_ran: dict[str, int] = {}


def required() -> set[str]:
    """The kinds NOTECODER_REQUIRE names (comma- or space-separated)."""
    return set(os.environ.get(VARIABLE, "").replace(",", " ").split())


def pytest_configure(config: pytest.Config) -> None:
    unknown = required() - set(KINDS)
    if unknown:
        raise pytest.UsageError(f"{VARIABLE} names {sorted(unknown)}; it takes {', '.join(KINDS)}")
    _ran.clear()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("browser") is not None and CHROMIUM is None:
        pytest.skip("no headless Chromium here (Debian: apt-get install chromium; .ci/run installs it)")
    if item.get_closest_marker("postgresql") is not None and not os.environ.get(POSTGRESQL_VARIABLE):
        pytest.skip(f"no PostgreSQL server: set {POSTGRESQL_VARIABLE} (.ci/postgresql start DIR prints one)")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    kinds = {kind for kind in KINDS if item.get_closest_marker(kind) is not None}
    if report.when == "call" and report.outcome != "skipped":
        for kind in kinds:
            _ran[kind] = _ran.get(kind, 0) + 1
    if report.skipped and not hasattr(report, "wasxfail") and kinds & required():
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped, but {VARIABLE} names {', '.join(sorted(kinds & required()))}: {reason}"
    return report


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.config.option.collectonly or exitstatus not in (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED):
        return
    missing = sorted(kind for kind in required() if not _ran.get(kind))
    if missing:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"{VARIABLE} names {', '.join(missing)}, but no such test ran", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
