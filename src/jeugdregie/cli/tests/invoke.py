"""Running the CLI in tests: the command must succeed; its stdout is returned."""

from __future__ import annotations

from typer.testing import CliRunner

from jeugdregie.cli import load_commands

runner = CliRunner()


def run_ok(*args: str) -> str:
    """``jeugdregie ARGS`` in-process; fails the test with the output when the exit code is not 0."""
    result = runner.invoke(load_commands(), list(args))
    assert result.exit_code == 0, result.output
    return result.stdout
