"""User errors get one clear line and a non-zero exit; help and version work."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

import gongkai
from gongkai.cli import COMMAND_TABLE, NO_SUCH_COMMAND, main


@pytest.fixture
def runner():
    return CliRunner()


def one_line_error(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert len(lines) == 1, result.output
    return lines[0]


def test_help_lists_the_contract_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("crawl", "export", "verify", "demo", "replica"):
        assert command in result.output


def every_command() -> dict[str, click.Command]:
    """Every command of every module of the package, loaded."""
    commands = {}
    for module in pkgutil.iter_modules(gongkai.__path__, "gongkai."):
        if module.name != "gongkai.__main__":
            commands.update((c.name, c) for c in getattr(importlib.import_module(module.name), "COMMANDS", ()))
    return commands


def test_the_command_table_is_each_commands_own_help():
    commands = every_command()
    assert sorted(COMMAND_TABLE) == sorted(commands) == main.list_commands(click.Context(main))
    for name, command in commands.items():
        assert main.get_command(click.Context(main), name) is command
        assert COMMAND_TABLE[name].help == " ".join(command.help.partition("\n\n")[0].split()), name


@pytest.mark.parametrize("width", [40, 80, 200, 1000])
def test_help_from_the_table_is_the_loaded_commands_help(width):
    ctx = click.Context(main, info_name="gongkai", terminal_width=width, max_content_width=width)
    lazy, loaded = click.HelpFormatter(width=width), click.HelpFormatter(width=width)
    main.format_commands(ctx, lazy)
    click.Group(commands=every_command()).format_commands(ctx, loaded)
    assert lazy.getvalue() == loaded.getvalue()


@pytest.mark.parametrize(("args", "unwanted"), [
    (["--help"], ("gongkai.crawl", "gongkai.research", "sqlalchemy", "rich")),
    (["crawl", "--help"], ("gongkai.compare", "gongkai.research", "numpy", "scrapy")),
])
def test_a_command_imports_only_what_it_uses(args, unwanted):
    script = (f"import sys, click\nfrom gongkai.cli import main\ntry: main({args!r}, standalone_mode=False)\n"
              f"except click.ClickException: pass\nprint(*[m for m in {unwanted!r} if m in sys.modules])")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == ""


def test_an_unknown_command_is_a_usage_error_with_a_suggestion(runner):
    result = runner.invoke(main, ["craw"])
    assert result.exit_code == 2
    assert "No such command 'craw'." in result.output
    if NO_SUCH_COMMAND:  # click >= 8.4 suggests close names
        assert "Did you mean 'crawl'?" in result.output


@pytest.mark.parametrize("url", ["ftp://example.org/", "www.rs.gov.cn", "http://"])
def test_crawl_rejects_a_bad_url(runner, tmp_path, url):
    result = runner.invoke(main, ["crawl", "--start-url", url, "--data-dir", str(tmp_path)])
    assert "not a crawlable URL" in one_line_error(result)


def test_crawl_rejects_an_unwritable_data_dir(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    result = runner.invoke(main, ["crawl", "--start-url", "http://127.0.0.1:9/", "--data-dir", str(blocker / "sub")])
    assert "cannot write to data dir" in one_line_error(result)


def test_crawl_rejects_malformed_setting(runner, tmp_path):
    result = runner.invoke(main, ["crawl", "--start-url", "http://127.0.0.1:9/", "--data-dir", str(tmp_path), "-s", "NOEQUALS"])
    assert result.exit_code == 2
    assert "NAME=VALUE" in result.output


def test_crawl_rejects_unknown_site_profile(runner, tmp_path):
    result = runner.invoke(main, ["crawl", "--site", "nowhere", "--data-dir", str(tmp_path)])
    assert "no site profile" in one_line_error(result)


def test_crawl_rejects_a_bad_database_url(runner, tmp_path):
    result = runner.invoke(main, ["crawl", "--start-url", "http://127.0.0.1:9/", "--data-dir", str(tmp_path), "--db", "nonsense"])
    assert "database" in one_line_error(result)


def test_export_without_an_archive(runner, tmp_path):
    result = runner.invoke(main, ["export", "--format", "jsonl", "--data-dir", str(tmp_path / "none")])
    assert "no archive" in one_line_error(result)


def test_export_requires_a_format(runner, tmp_path):
    result = runner.invoke(main, ["export", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2


def test_data_dir_from_environment(runner, tmp_path):
    result = runner.invoke(main, ["export", "--format", "csv"], env={"GONGKAI_DATA_DIR": str(tmp_path / "envdir")})
    assert "envdir" in one_line_error(result)


@pytest.mark.e2e
def test_unreachable_site_exits_non_zero_with_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gongkai", "crawl", "--start-url", "http://127.0.0.1:9/",
         "--data-dir", str(tmp_path), "-s", "RETRY_TIMES=0", "-s", "DOWNLOAD_DELAY=0"],
        capture_output=True, text=True, timeout=120, env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "could not reach http://127.0.0.1:9/" in errors[0], result.stderr
    # the network failures before it are one line each, not Twisted's tracebacks
    assert "Traceback" not in result.stderr, result.stderr
    assert "Error downloading <GET http://127.0.0.1:9/>: DownloadConnectionRefusedError" in result.stderr, result.stderr


def test_variant_choices_are_the_replica_variants():
    # cli.py names them itself so that `gongkai --help` does not import the replica generator
    from gongkai.replica_site import VARIANT_NAMES
    from replica.generate import VARIANTS

    assert tuple(VARIANT_NAMES) == tuple(VARIANTS)
