"""Whole-file checks and tail repair of WARC files.

Two passes decide whether a file is whole:

1. a *member scan* (``archive.warc.reader.scan_members``) walks the gzip members with zlib and
   finds where each complete member ends, and where the bytes stop being complete gzip members (a
   member cut short by a killed process, or trailing garbage);
2. warcio's ``ArchiveIterator`` (``check_digests=True``, like ``warcio check``) parses the complete
   members and verifies block and payload digests; every record must fill exactly one member and
   hold all the bytes its ``Content-Length`` announces.

``repair_tail`` truncates a file to the end of its last complete, valid record and moves the
removed bytes into ``<file>.damaged-<offset>`` first (written and fsync'd before the truncation),
so no data is ever lost. It refuses to cut away a valid record that follows the damage. Never
repair a file a writer still has open. ``repair_files`` does it for the files a crashed run may
have left half-written.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from archive.warc.files import warc_files
from archive.warc.reader import (
    GZIP_MAGIC,
    UNREADABLE,
    Bounded,
    WarcReadError,
    captured_stderr,
    member_end,
    read_payload,
    read_record,
    scan_members,
)
from archive.warc.records import WARC_RECORD_ID

logger = logging.getLogger(__name__)

DAMAGED_SUFFIX = ".damaged-"
#: Files touched this long before a crashed run started are checked too (clock skew, rotation).
REPAIR_SLACK = timedelta(minutes=5)


class WarcRepairError(Exception):
    """A file cannot be repaired by cutting its tail (the damage is not at the end)."""



@dataclass(frozen=True, slots=True)
class RecordCheck:
    offset: int
    length: int
    record_type: str | None
    record_id: str | None
    digest_ok: bool | None
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class FileCheck:
    path: str
    size: int
    records: int  # records parsed
    valid_records: int  # complete, valid records before the first problem
    end_offset: int  # end of the last of those records: where repair_tail would cut
    read_end: int  # where the read of complete gzip members stopped
    whole: bool  # every byte belongs to a complete, valid record
    digests_ok: bool
    problems: tuple[str, ...]
    record_checks: tuple[RecordCheck, ...]


@dataclass(frozen=True, slots=True)
class RepairResult:
    path: str
    original_size: int
    truncated_to: int
    damaged_path: str
    damaged_bytes: int
    records_kept: int
    reason: str



def check_file(path: Path | str) -> FileCheck:
    """Read the whole file: gzip members, records, digests; say whether it is whole."""
    path = Path(path)
    problems: list[str] = []
    checks: list[RecordCheck] = []
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        scan = scan_members(f, size)
        if scan.problem:
            problems.append(f"offset {scan.stop}: {scan.problem} ({size - scan.stop} bytes to the end)")
        f.seek(0)
        checks = _check_records(path, Bounded(f, scan.stop), scan.members)
    valid = 0
    end_offset = 0
    for check in checks:
        problems.extend(f"offset {check.offset}: {p}" for p in check.problems)
    for check in checks:
        if not check.ok:
            break
        valid += 1
        end_offset = check.offset + check.length
    if len(checks) < len(scan.members):
        problems.append(f"{len(scan.members)} gzip members but {len(checks)} records")
    whole = not problems and end_offset == size
    return FileCheck(
        path=str(path),
        size=size,
        records=len(checks),
        valid_records=valid,
        end_offset=end_offset,
        read_end=scan.stop,
        whole=whole,
        digests_ok=all(c.digest_ok is not False for c in checks),
        problems=tuple(problems),
        record_checks=tuple(checks),
    )


def _check_records(path: Path, stream: Bounded, members: tuple[tuple[int, int], ...]) -> list[RecordCheck]:
    checks: list[RecordCheck] = []
    offset = 0
    try:
        with captured_stderr(path):
            it = ArchiveIterator(stream, check_digests=True)
            for index, record in enumerate(it):
                _, short = read_payload(record, keep=False)
                offset, length = it.get_record_offset(), it.get_record_length()
                found: list[str] = []
                if short:
                    found.append(short)
                if record.digest_checker.passed is False:
                    found.extend(record.digest_checker.problems)
                if index >= len(members) or members[index] != (offset, offset + length):
                    found.append("record does not fill exactly one gzip member")
                checks.append(
                    RecordCheck(
                        offset=offset,
                        length=length,
                        record_type=record.rec_type,
                        record_id=record.rec_headers.get_header(WARC_RECORD_ID),
                        digest_ok=record.digest_checker.passed,
                        problems=tuple(found),
                    )
                )
                offset += length
    except UNREADABLE as exc:
        where = members[len(checks)][0] if len(checks) < len(members) else offset
        checks.append(RecordCheck(where, 0, None, None, None, (f"unreadable record: {exc}",)))
    return checks


def repair_tail(path: Path | str) -> RepairResult | None:
    """Cut a damaged tail off ``path``, moving the bytes to ``<path>.damaged-<offset>``.

    Returns None when the file is whole. Raises ``WarcRepairError`` when a valid record follows
    the damage (cutting would remove good data: copy the file and inspect it by hand).
    """
    path = Path(path)
    check = check_file(path)
    if check.whole:
        return None
    cut = check.end_offset
    with open(path, "r+b") as f:
        later = _valid_member_after(path, f, cut, check)
        if later is not None:
            raise WarcRepairError(
                f"{path}: damage at offset {cut} is followed by a valid record at offset {later}; "
                "not a damaged tail, so nothing was cut (inspect the file with check_file)"
            )
        f.seek(cut)
        tail = f.read()
        damaged = _damaged_path(path, cut)
        with open(damaged, "xb") as out:
            out.write(tail)
            out.flush()
            os.fsync(out.fileno())
        f.truncate(cut)
        f.flush()
        os.fsync(f.fileno())
    reason = "; ".join(check.problems) or "bytes after the last record"
    logger.warning(
        "repaired %s: cut %d bytes at offset %d into %s (%s)", path, len(tail), cut, damaged, reason
    )
    return RepairResult(
        path=str(path),
        original_size=check.size,
        truncated_to=cut,
        damaged_path=str(damaged),
        damaged_bytes=len(tail),
        records_kept=check.valid_records,
        reason=reason,
    )


def _valid_member_after(path: Path, f: BinaryIO, cut: int, check: FileCheck) -> int | None:
    """Offset of a complete, readable record somewhere after ``cut``, if any."""
    # records the iterator already found valid after the first bad one
    bad_seen = False
    for rc in check.record_checks:
        if not rc.ok:
            bad_seen = True
        elif bad_seen and rc.offset >= cut:
            return rc.offset
    # beyond the end of complete members: look for gzip magic inside the damaged bytes
    f.seek(check.read_end)
    tail = f.read()
    pos = tail.find(GZIP_MAGIC, 1)
    while pos >= 0:
        start = check.read_end + pos
        end, _ = member_end(f, start)
        if end is not None:
            try:
                read_record(path, start)
                return start
            except WarcReadError:
                pass
        pos = tail.find(GZIP_MAGIC, pos + 1)
    return None


def _damaged_path(path: Path, offset: int) -> Path:
    candidate = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{offset}")
    serial = 1
    while candidate.exists():
        candidate = path.with_name(f"{path.name}{DAMAGED_SUFFIX}{offset}.{serial}")
        serial += 1
    return candidate


def repair_files(warc_dir: Path, *, since: datetime) -> list[RepairResult]:
    """Cut partial trailing records off WARC files written since ``since``; the cut bytes are
    moved aside to ``<file>.damaged-<offset>``, never deleted."""
    results: list[RepairResult] = []
    threshold = (since - REPAIR_SLACK).timestamp()
    for path in warc_files(warc_dir):
        if path.stat().st_mtime < threshold:
            continue
        try:
            result = repair_tail(path)
        except WarcRepairError as exc:
            logger.error("WARC file %s is damaged mid-file and was left as it is: %s", path, exc)
            continue
        if result is not None:
            logger.warning(
                "repaired %s: cut at %d, %d damaged bytes moved to %s",
                path.name, result.truncated_to, result.damaged_bytes, result.damaged_path,
            )
            results.append(result)
    return results
