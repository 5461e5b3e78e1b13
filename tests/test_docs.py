"""The CLI reference in docs/cli.md is the commands' own --help."""

import subprocess
import sys


def test_cli_reference_is_current():
    # A fresh interpreter: click caches each command's help option once a test has invoked it,
    # so rendering inside the test process would depend on which tests ran first.
    result = subprocess.run([sys.executable, "-m", "gongkai.clidoc", "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
