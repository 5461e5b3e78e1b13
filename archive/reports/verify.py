"""Database <-> WARC consistency: every capture row's record is where the row says it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Sequence
from pathlib import Path

from archive.sql import queries
from archive.sql.engine import Session
from archive.sql.models import Capture
from archive.warc.check import check_file
from archive.warc.files import warc_files
from archive.warc.reader import WarcReadError, read_record
from archive.warc.records import sha1_digest
from archive.warc.wire import stored_entity


@dataclass(slots=True)
class VerifyReport:
    files: int = 0
    files_whole: int = 0
    records: int = 0
    captures_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_archive(session: Session, warc_dir: Path) -> VerifyReport:
    """Read every WARC file whole, then check each capture's record id, offset and digest."""
    return verify_archives(session, [warc_dir])


def verify_archives(session: Session, warc_dirs: Sequence[Path]) -> VerifyReport:
    """``verify_archive`` over the WARC directories of several workers sharing one database.

    Every capture row must resolve in one of ``warc_dirs`` (pass them all: a row whose file
    sits in a directory not given is reported missing). Worker ids and pids in the file names
    keep names unique; the same name in two directories is reported, since a row names a file,
    not a directory.
    """
    report = VerifyReport()
    paths: list[Path] = []
    for warc_dir in dict.fromkeys(Path(d).resolve() for d in warc_dirs):
        paths += warc_files(warc_dir) if warc_dir.is_dir() else []
    seen: dict[str, Path] = {}
    for path in paths:
        if path.name in seen:
            report.problems.append(f"{path.name}: in both {seen[path.name].parent} and {path.parent}")
        seen.setdefault(path.name, path)
    for path in paths:
        report.files += 1
        check = check_file(path)
        report.records += check.records
        if check.whole and not check.problems:
            report.files_whole += 1
        else:
            report.problems.extend(f"{path.name}: {p}" for p in check.problems or ["file does not read whole"])
    known = seen
    for capture in queries.archived_captures(session):
        report.captures_checked += 1
        problem = check_capture(capture, known)
        if problem:
            report.problems.append(problem)
    return report


def check_capture(capture: Capture, files: dict[str, Path]) -> str | None:
    where = f"capture {capture.id} ({capture.url}) -> {capture.warc_filename}@{capture.warc_offset}"
    path = files.get(capture.warc_filename)
    if path is None:
        return f"{where}: WARC file missing"
    try:
        record = read_record(path, capture.warc_offset)
    except WarcReadError as exc:
        return f"{where}: {exc}"
    if record.record_id != capture.warc_record_id:
        return f"{where}: record id {record.record_id} != {capture.warc_record_id}"
    if capture.payload_digest and record.payload_digest is None and record.record_type == "response":
        # A chunked response record carries only its block digest (docs/capture.md): the row's
        # digest is the de-chunked body's.
        body = stored_entity(record.http_headers, record.payload or b"")
        if sha1_digest(body) != capture.payload_digest:
            return f"{where}: de-chunked payload digest {sha1_digest(body)} != {capture.payload_digest}"
    elif capture.payload_digest and record.payload_digest != capture.payload_digest:
        return f"{where}: payload digest {record.payload_digest} != {capture.payload_digest}"
    if record.target_uri != capture.url:
        return f"{where}: target URI {record.target_uri} != {capture.url}"
    return None
