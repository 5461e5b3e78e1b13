"""WARC files that went wrong: reading errors name the file and offset, changed bytes fail the
digest, and a truncated or damaged tail is found (where ``warcio check`` is silent) and repaired
without overwriting what was archived."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from archive.warc.check import WarcRepairError, check_file, repair_tail
from archive.warc.reader import WarcReadError, read_record
from tests.test_warc import FETCHED_AT, URL, make_writer, members, only_file, warcio_check, write_known_exchange


# ---------------------------------------------------------------------- reading errors


def test_read_record_errors_name_file_and_offset(tmp_path):
    with make_writer(tmp_path) as writer:
        response, _ = write_known_exchange(writer)
    path = tmp_path / response.filename
    with pytest.raises(WarcReadError, match=rf"{path.name} at offset {response.offset + 1}:"):
        read_record(path, response.offset + 1)
    with pytest.raises(WarcReadError, match="outside the file"):
        read_record(path, 10**9)
    with pytest.raises(WarcReadError, match="cannot read file"):
        read_record(tmp_path / "missing.warc.gz", 0)


def test_changed_bytes_fail_digest(tmp_path):
    with make_writer(tmp_path) as writer:
        response, request = write_known_exchange(writer)
    path = tmp_path / response.filename
    content = members(path)
    content[1] = content[1].replace(b"Server: VSB", b"Server: XSB")
    path.write_bytes(b"".join(gzip.compress(m, mtime=0) for m in content))
    check = check_file(path)
    assert not check.whole and not check.digests_ok
    assert check.valid_records == 1
    with pytest.raises(WarcReadError, match="digest"):
        read_record(path, check.record_checks[1].offset)
    with pytest.raises(WarcRepairError, match="valid record"):
        repair_tail(path)  # a good record follows: not a tail


# ---------------------------------------------------------------------- truncation and repair


def test_truncation_is_detected_where_warcio_check_is_silent(tmp_path):
    with make_writer(tmp_path) as writer:
        write_known_exchange(writer)
    path = only_file(tmp_path)
    path.write_bytes(path.read_bytes()[:-20])
    check = check_file(path)
    assert not check.whole and check.valid_records == 2
    assert "truncated" in check.problems[0]


def test_repair_tail_at_every_cut_in_last_record(tmp_path):
    source = tmp_path / "src"
    with make_writer(source) as writer:
        write_known_exchange(writer)
        last = writer.write_metadata(url=URL, refers_to="<urn:uuid:x>", payload=b"x" * 40, content_type="text/plain")
    original = (source / last.filename).read_bytes()
    cuts = list(range(last.offset + 1, len(original)))
    cuts += [1, 5, 200]  # inside the warcinfo: zero complete records
    repaired = []
    for cut in cuts:
        path = tmp_path / f"cut-{cut:05d}.warc.gz"
        path.write_bytes(original[:cut])
        result = repair_tail(path)
        keep = last.offset if cut > last.offset else 0
        assert result is not None and result.truncated_to == keep
        assert path.read_bytes() == original[:keep]
        damaged = Path(result.damaged_path)
        assert damaged.name == f"{path.name}.damaged-{keep}"
        assert damaged.read_bytes() == original[keep:cut]  # exactly the removed bytes
        check = check_file(path)
        assert check.whole, check.problems
        assert repair_tail(path) is None
        repaired.append(path)
    warcio_check(*repaired)


def test_repair_tail_trailing_garbage_and_partial_member(tmp_path):
    with make_writer(tmp_path) as writer:
        refs = write_known_exchange(writer)
    path = only_file(tmp_path)
    original = path.read_bytes()
    for tail in (b"garbage\n", b"\x1f\x8b\x08\x00garbage", b"\r\n\r\n", gzip.compress(b"WARC/1.1\r\n")[:10]):
        path.write_bytes(original + tail)
        assert not check_file(path).whole
        result = repair_tail(path)
        assert result is not None and result.truncated_to == len(original) and result.records_kept == 3
        assert Path(result.damaged_path).read_bytes() == tail
        Path(result.damaged_path).unlink()
        assert path.read_bytes() == original
    assert read_record(path, refs[0].offset).record_id == refs[0].record_id
    warcio_check(path)


def test_repair_never_overwrites_damaged_file(tmp_path):
    with make_writer(tmp_path) as writer:
        write_known_exchange(writer)
    path = only_file(tmp_path)
    original = path.read_bytes()
    first_path = second_path = None
    for _ in range(2):
        path.write_bytes(original + b"junk")
        result = repair_tail(path)
        first_path, second_path = second_path, result.damaged_path
    assert first_path != second_path
    assert Path(first_path).read_bytes() == Path(second_path).read_bytes() == b"junk"


def test_whole_and_empty_files(tmp_path):
    empty = tmp_path / "empty.warc.gz"
    empty.write_bytes(b"")
    check = check_file(empty)
    assert check.whole and check.records == 0
    assert repair_tail(empty) is None


def test_line_breaks_in_headers_are_refused(tmp_path):
    with make_writer(tmp_path) as writer:
        with pytest.raises(ValueError, match="line break"):
            writer.write_exchange(
                url=URL, method="GET", request_headers=[("X-Evil", "a\r\nWARC-Type: x")], request_body=b"",
                protocol="HTTP/1.1", status=200, reason="OK", response_headers=[], body=b"",
                ip_address=None, fetched_at=FETCHED_AT,
            )
        with pytest.raises(ValueError, match="line break"):
            writer.write_metadata(url=URL + "\n", refers_to="<urn:uuid:x>", payload=b"", content_type="text/plain")
    assert list(tmp_path.iterdir()) == []


def test_complete_member_that_is_not_a_record_is_cut(tmp_path):
    with make_writer(tmp_path) as writer:
        write_known_exchange(writer)
    path = only_file(tmp_path)
    original = path.read_bytes()
    path.write_bytes(original + gzip.compress(b"not a warc record\r\n", mtime=0))
    check = check_file(path)
    assert not check.whole and check.valid_records == 3 and check.end_offset == len(original)
    result = repair_tail(path)
    assert result is not None and path.read_bytes() == original
    assert check_file(path).whole


def test_flipped_byte_mid_file_is_reported_not_cut(tmp_path):
    with make_writer(tmp_path) as writer:
        for i in range(3):
            write_known_exchange(writer, url=f"{URL}&i={i}")
    path = only_file(tmp_path)
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    path.write_bytes(bytes(blob))
    check = check_file(path)
    assert not check.whole and check.problems
    with pytest.raises(WarcRepairError):
        repair_tail(path)
    assert path.read_bytes() == bytes(blob)  # untouched
