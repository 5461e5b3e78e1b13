"""One crawl at a time per data directory and worker: an advisory lock file.

``flock`` is released by the kernel when the process dies, so a crawl killed with ``kill -9``
never leaves a stale lock behind; the file keeps the holder's pid for the error message.
"""

from __future__ import annotations

import fcntl
import os
import re
from pathlib import Path

#: Exit status for "another run holds the lock" (EX_TEMPFAIL: cron may retry later).
EXIT_LOCKED = 75


class LockHeld(Exception):
    """Another crawl holds the lock of this data directory (and worker)."""


def lock_path(data_dir: Path, worker_id: str | None = None) -> Path:
    suffix = f"-{re.sub(r'[^A-Za-z0-9_-]', '_', worker_id)}" if worker_id else ""
    return Path(data_dir) / f".crawl{suffix}.lock"


class CrawlLock:
    def __init__(self, data_dir: Path, worker_id: str | None = None):
        self.path = lock_path(data_dir, worker_id)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise LockHeld(
                f"another crawl (pid {holder}) is running on {self.path.parent}; "
                "wait for it to finish or use another --data-dir"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> CrawlLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
