"""Where an archive's WARC files live: ``DATA_DIR/warc/*.warc.gz``."""

from __future__ import annotations

from pathlib import Path

WARC_SUBDIR = "warc"
WARC_SUFFIX = ".warc.gz"
WARC_GLOB = f"*{WARC_SUFFIX}"


def warc_dir(data_dir: Path | str) -> Path:
    """The WARC directory of the archive in ``data_dir``."""
    return Path(data_dir) / WARC_SUBDIR


def warc_files(directory: Path | str) -> list[Path]:
    """The WARC files of ``directory``, in name order (which is the order they were written)."""
    return sorted(Path(directory).glob(WARC_GLOB))
