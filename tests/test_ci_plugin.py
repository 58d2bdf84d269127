"""In CI a skipped test fails the run, so PostgreSQL and browser tests cannot silently drop out."""

from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[1])
pytest_plugins = ["pytester"]

SUITE = """
import pytest

def test_runs():
    assert True

def test_needs_something_missing():
    pytest.skip("no browser here")
"""


def test_a_skipped_test_fails_the_run_in_ci(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("PYTHONPATH", ROOT)
    pytester.makepyfile(SUITE)
    result = pytester.runpytest_subprocess("-p", "tests.ci_plugin", "-p", "no:django")
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*CI: 1 test(s) skipped; no test may be skipped in CI:*"])


def test_a_skipped_test_is_only_reported_outside_ci(pytester: pytest.Pytester, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("PYTHONPATH", ROOT)
    pytester.makepyfile(SUITE)
    result = pytester.runpytest_subprocess("-p", "tests.ci_plugin", "-p", "no:django")
    assert result.ret == pytest.ExitCode.OK
    result.assert_outcomes(passed=1, skipped=1)
