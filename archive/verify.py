"""Database <-> WARC consistency: every capture row's record is where the row says it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.models import Capture
from archive.warcread import WarcReadError, check_file, read_record

WARC_GLOB = "*.warc.gz"


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
    report = VerifyReport()
    paths = sorted(Path(warc_dir).glob(WARC_GLOB)) if Path(warc_dir).is_dir() else []
    for path in paths:
        report.files += 1
        check = check_file(path)
        report.records += check.records
        if check.whole and not check.problems:
            report.files_whole += 1
        else:
            report.problems.extend(f"{path.name}: {p}" for p in check.problems or ["file does not read whole"])
    known = {p.name: p for p in paths}
    stmt = select(Capture).where(Capture.warc_filename.is_not(None)).order_by(Capture.id)
    for capture in session.scalars(stmt).yield_per(500):
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
    if capture.payload_digest and record.payload_digest != capture.payload_digest:
        return f"{where}: payload digest {record.payload_digest} != {capture.payload_digest}"
    if record.target_uri != capture.url:
        return f"{where}: target URI {record.target_uri} != {capture.url}"
    return None
