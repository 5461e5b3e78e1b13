"""The replica county site of the demo, the tests and the benchmarks: ``gongkai replica``."""

from __future__ import annotations

from pathlib import Path

import click

from gongkai.boundary import Command, Group

#: The replica's county variants (replica.generate.VARIANTS; tests/test_cli.py checks): named
#: here so that `gongkai --help` does not import the replica generator.
VARIANT_NAMES = ("renshou", "qingxi", "langang")


@click.group("replica", cls=Group)
def replica_group() -> None:
    """The replica VSB county site used by the demo, the tests and the benchmarks."""


@replica_group.command("build", cls=Command)
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--scale", default=1, show_default=True, help="Multiply the number of townships.")
@click.option("--seed", default=2019, show_default=True, help="Random seed (the site is deterministic per seed).")
@click.option("--variant", type=click.Choice(VARIANT_NAMES), default="renshou", show_default=True, help="Which county's templates.")
def replica_build(directory: str, scale: int, seed: int, variant: str) -> None:
    """Generate the replica site, its manifest and its ground truth into DIRECTORY.

    Example: gongkai replica build ./replica --scale 7
    """
    from replica.generate import build_site

    if scale < 1:
        raise click.BadParameter("must be at least 1", param_hint="--scale")
    summary = build_site(Path(directory), scale=scale, seed=seed, variant=variant)
    click.echo(f"replica built in {directory}: {summary}")


@replica_group.command("serve", cls=Command)
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=0, show_default=True, help="0 picks a free port.")
def replica_serve(directory: str, host: str, port: int) -> None:
    """Serve a built replica until interrupted; prints its URL first.

    Example: gongkai replica serve ./replica --port 8000
    """
    from replica.server import serve_forever

    serve_forever(Path(directory), host=host, port=port, ready=lambda url: click.echo(f"REPLICA {url}", nl=True))


COMMANDS = (replica_group,)
