"""archive.warc: records and files (writing), reading and checking (errors and tail repair: test_warc_repair.py).

The golden file ``tests/fixtures/warc/golden-exchange.warc.gz`` is compared record by record on
its *decompressed* bytes (and on its member count): warcio's gzip headers carry MTIME 0, but a
different zlib build may deflate the same input differently. Regenerate it, after a deliberate
format change only, with ``GONGKAI_UPDATE_GOLDEN=1 pytest tests/test_warc.py -k golden``.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.warc.check import check_file
from archive.warc.reader import iter_records, read_record
from archive.warc.records import (
    HTTP_ORIG_TRANSFER_ENCODING,
    RecordRef,
    RevisitProfile,
    is_complete_chunked,
    request_target,
    sha1_digest,
)
from archive.warc.writer import WarcWriteError, WarcWriter

FIXTURES = Path(__file__).parent / "fixtures" / "warc"
GOLDEN = FIXTURES / "golden-exchange.warc.gz"
WARCIO = Path(sys.executable).parent / "warcio"

FIXED_NOW = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
FETCHED_AT = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
URL = "http://www.rs.gov.cn/xxgk/ndbg/info/1234.htm?page=2&lang=zh"
# gzip.compress(<GB18030 page>, mtime=0), frozen as bytes so the golden file does not depend on zlib
GZIP_BODY = bytes.fromhex(
    "1f8b0800000000000203b3c928c9cdb1b3c9484d4cb1b3c94d2d495448ce482c2a4e2db1554a4f32b430303650b2b3"
    "d1874827e5a754da9d3875eae6f91be73fedb974f5939181a1c5915757ffed5877e1e8f9453b57ef5fb573c9f5ef47"
    "5e6d3bb171c58e6736fa600d40dd202b008a0463bc69000000"
)
REQUEST_HEADERS = [
    ("Host", "www.rs.gov.cn"),
    ("User-Agent", "gongkai/0.1 (+archival crawler)"),
    ("Accept", "text/html,*/*;q=0.8"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Cookie", "a=1"),
    ("Cookie", "b=2"),
]
RESPONSE_HEADERS = [
    ("Server", "VSB"),
    ("Content-Type", "text/html; charset=GB18030"),
    ("Content-Encoding", "gzip"),
    ("Transfer-Encoding", "chunked"),
    ("Set-Cookie", "JSESSIONID=abc; Path=/"),
    ("Set-Cookie", "route=r1; Path=/"),
    ("Content-Length", "999"),  # wrong on purpose: stored as sent
    ("X-Custom", "caf\u00e9"),
]
WARCINFO = {"software": "gongkai 0.1.0", "operator": "test", "robots": "obey", "isPartOf": "crawl-run-1"}


def fixed_ids():
    counter = itertools.count(1)
    return lambda: f"<urn:uuid:00000000-0000-4000-8000-{next(counter):012d}>"


def make_writer(directory: Path, **kwargs) -> WarcWriter:
    options = dict(warcinfo=WARCINFO, clock=lambda: FIXED_NOW, record_id=fixed_ids(), pid=4242)
    options.update(kwargs)
    return WarcWriter(directory, **options)


def write_known_exchange(writer: WarcWriter, *, url: str = URL, body: bytes = GZIP_BODY):
    return writer.write_exchange(
        url=url,
        method="GET",
        request_headers=REQUEST_HEADERS,
        request_body=b"",
        protocol="HTTP/1.1",
        status=200,
        reason="OK",
        response_headers=RESPONSE_HEADERS,
        body=body,
        ip_address="10.1.2.3",
        fetched_at=FETCHED_AT,
    )


def members(path: Path) -> list[bytes]:
    """Decompressed content of each gzip member, in order."""
    data = path.read_bytes()
    out = []
    while data:
        decomp = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out.append(decomp.decompress(data))
        assert decomp.eof, f"{path}: truncated gzip member"
        data = decomp.unused_data
    return out


def warcio_check(*paths: Path) -> None:
    result = subprocess.run([str(WARCIO), "check", *map(str, paths)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def only_file(directory: Path) -> Path:
    (path,) = sorted(directory.glob("*.warc.gz"))
    return path


# ---------------------------------------------------------------------- golden bytes


def test_golden_exchange(tmp_path):
    with make_writer(tmp_path) as writer:
        response, request = write_known_exchange(writer)
        writer.write_metadata(url=URL, refers_to=response.record_id, payload=b"k: v\r\n", content_type="application/warc-fields")
    path = only_file(tmp_path)
    assert path.name == "gongkai-20240506070809-00000-4242.warc.gz"
    if os.environ.get("GONGKAI_UPDATE_GOLDEN"):
        FIXTURES.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_bytes(path.read_bytes())
    assert members(path) == members(GOLDEN)
    warcio_check(GOLDEN)
    assert check_file(GOLDEN).whole


def test_gzip_members_have_no_mtime(tmp_path):
    with make_writer(tmp_path) as writer:
        refs = write_known_exchange(writer)
    data = only_file(tmp_path).read_bytes()
    for ref in refs:
        assert data[ref.offset : ref.offset + 8] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00"


# ---------------------------------------------------------------------- round trips


def test_exchange_round_trip(tmp_path):
    with make_writer(tmp_path) as writer:
        response, request = write_known_exchange(writer)
        path = tmp_path / response.filename
        # flushed before returning: the bytes are on disk while the writer is still open
        assert path.stat().st_size == request.offset + request.length
        stored = read_record(path, response.offset)
    assert response.offset > 0  # warcinfo first
    assert stored.record_type == "response"
    assert stored.record_id == response.record_id
    assert stored.length == response.length
    assert stored.payload_digest == response.payload_digest == sha1_digest(GZIP_BODY)
    assert stored.block_digest == response.block_digest
    assert stored.target_uri == URL
    assert stored.warc_date == "2024-05-06T07:08:09.123456Z"
    assert stored.ip_address == "10.1.2.3"
    assert stored.concurrent_to == ()  # the request names the response, not both ways (as Heritrix)
    assert stored.status == 200 and stored.status_line == "HTTP/1.1 200 OK"
    assert stored.payload == GZIP_BODY  # still content-encoded, byte for byte
    expected = [(HTTP_ORIG_TRANSFER_ENCODING, "chunked") if n == "Transfer-Encoding" else (n, v) for n, v in RESPONSE_HEADERS]
    assert list(stored.http_headers) == expected  # order, repeats, Content-Length as sent
    assert stored.digest_ok is True

    req = read_record(path, request.offset)
    assert req.record_type == "request"
    assert req.record_id == request.record_id
    assert req.status_line == "GET /xxgk/ndbg/info/1234.htm?page=2&lang=zh HTTP/1.1"
    assert list(req.http_headers) == REQUEST_HEADERS
    assert req.concurrent_to == (response.record_id,)
    assert req.payload == b""
    assert req.payload_digest is None  # a bodiless request has only its block digest
    assert req.ip_address is None  # the response it names carries the address
    assert req.block_digest and req.digest_ok is True
    warcio_check(path)
    assert check_file(path).whole


def test_header_bytes_kept_verbatim(tmp_path):
    # Latin-1-decoded wire bytes (UTF-8 filename) must come back as the same bytes
    wire = "attachment; filename=\"报告.pdf\"".encode()
    headers = [("Content-Disposition", wire.decode("latin-1")), ("X-Empty", "")]
    with make_writer(tmp_path) as writer:
        response, _ = writer.write_exchange(
            url="https://example.org/", method="GET", request_headers=[], request_body=b"",
            protocol="HTTP/1.0", status=404, reason="Not Found", response_headers=headers,
            body=b"", ip_address=None, fetched_at=FETCHED_AT,
        )
    raw = members(tmp_path / response.filename)[1]
    assert b"Content-Disposition: " + wire + b"\r\n" in raw
    assert b"HTTP/1.0 404 Not Found\r\n" in raw
    assert b"WARC-IP-Address" not in raw
    stored = read_record(tmp_path / response.filename, response.offset)
    assert stored.status == 404
    assert stored.http_headers[0][1].encode("utf-8") == wire
    warcio_check(tmp_path / response.filename)


def test_real_chunked_body_keeps_header(tmp_path):
    body = b"5\r\nhello\r\n0\r\n\r\n"
    assert is_complete_chunked(body) and not is_complete_chunked(b"hello")
    with make_writer(tmp_path) as writer:
        response, _ = writer.write_exchange(
            url="http://example.org/c", method="GET", request_headers=[], request_body=b"",
            protocol="HTTP/1.1", status=200, reason="OK",
            response_headers=[("Transfer-Encoding", "chunked")], body=body,
            ip_address=None, fetched_at=FETCHED_AT,
        )
    stored = read_record(tmp_path / response.filename, response.offset)
    assert stored.http_headers == (("Transfer-Encoding", "chunked"),)
    assert stored.payload == body


def test_request_target():
    assert request_target("http://a.cn") == "/"
    assert request_target("http://a.cn/x?") == "/x?"
    assert request_target("http://a.cn/x/y.htm?a=1&b=%E4#frag") == "/x/y.htm?a=1&b=%E4"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.binary(max_size=2000),
    # U+0080..U+00FF are left out: they are written as single Latin-1 bytes (the wire bytes when
    # Scrapy's headers are decoded as Latin-1), which a UTF-8 reader may legitimately show as
    # another string; their bytes round-trip, checked in test_header_bytes_kept_verbatim.
    values=st.lists(
        st.text(
            st.characters(
                min_codepoint=32,
                max_codepoint=0x2FFF,
                exclude_characters="".join(chr(c) for c in range(0x7F, 0x100)),
            ),
            max_size=20,
        ),
        max_size=5,
    ),
)
def test_round_trip_property(tmp_path_factory, body, values):
    directory = tmp_path_factory.mktemp("prop")
    headers = [("X-H", v.strip()) for v in values]
    with make_writer(directory) as writer:
        response, request = writer.write_exchange(
            url="http://a.cn/p?q=1", method="POST", request_headers=headers, request_body=body,
            protocol="HTTP/1.1", status=200, reason="OK", response_headers=headers, body=body,
            ip_address=None, fetched_at=FETCHED_AT,
        )
    path = directory / response.filename
    stored = read_record(path, response.offset)
    assert stored.payload == body
    assert [v for _, v in stored.http_headers] == [v.strip() for v in values]
    assert read_record(path, request.offset).payload == body
    assert check_file(path).whole


def test_iter_records_offsets(tmp_path):
    with make_writer(tmp_path) as writer:
        refs = [*write_known_exchange(writer), *write_known_exchange(writer, url=URL + "&x=2")]
    path = only_file(tmp_path)
    listed = list(iter_records(path))
    assert [r.record_type for _, _, r in listed] == ["warcinfo", "response", "request", "response", "request"]
    assert [(o, n) for o, n, _ in listed[1:]] == [(r.offset, r.length) for r in refs]
    assert all(r.payload is None for _, _, r in listed)
    assert [r.payload for _, _, r in iter_records(path, with_payload=True)][1] == GZIP_BODY


# ---------------------------------------------------------------------- metadata, revisits


def test_metadata_record(tmp_path):
    with make_writer(tmp_path) as writer:
        response, _ = write_known_exchange(writer)
        ref = writer.write_metadata(url=URL, refers_to=response.record_id, payload=b'{"a": 1}', content_type="application/json")
        res = writer.write_resource(url="urn:gongkai:note", payload=b"note", content_type="text/plain")
    path = tmp_path / ref.filename
    stored = read_record(path, ref.offset)
    assert stored.record_type == "metadata"
    assert stored.refers_to == response.record_id
    assert stored.content_type == "application/json"
    assert stored.payload == b'{"a": 1}'
    assert stored.payload_digest == ref.payload_digest == sha1_digest(b'{"a": 1}')
    assert read_record(path, res.offset).payload == b"note"
    warcio_check(path)


@pytest.mark.parametrize("profile", list(RevisitProfile))
def test_revisit_profiles(tmp_path, profile):
    later = datetime(2024, 6, 1, 0, 0, 0, 5, tzinfo=UTC)
    with make_writer(tmp_path) as writer:
        response, _ = write_known_exchange(writer)
        headers = [("Server", "VSB"), ("ETag", '"x"'), ("Set-Cookie", "a=1"), ("Set-Cookie", "b=2")]
        ref = writer.write_revisit(
            url=URL, profile=profile, refers_to=response.record_id, refers_to_url=URL,
            refers_to_date=FETCHED_AT,
            payload_digest=response.payload_digest if profile is RevisitProfile.IDENTICAL_PAYLOAD_DIGEST else None,
            protocol="HTTP/1.1",
            status=200 if profile is RevisitProfile.IDENTICAL_PAYLOAD_DIGEST else 304,
            reason="OK" if profile is RevisitProfile.IDENTICAL_PAYLOAD_DIGEST else "Not Modified",
            response_headers=headers, ip_address="10.1.2.3", fetched_at=later,
        )
    path = tmp_path / ref.filename
    warcio_check(path)
    assert check_file(path).whole
    stored = read_record(path, ref.offset)
    assert stored.record_type == "revisit"
    assert stored.profile == profile.value
    assert stored.refers_to == response.record_id
    assert stored.refers_to_target_uri == URL
    assert stored.refers_to_date == "2024-05-06T07:08:09.123456Z"
    assert stored.warc_date == "2024-06-01T00:00:00.000005Z"
    assert list(stored.http_headers) == headers
    assert stored.payload == b""
    if profile is RevisitProfile.IDENTICAL_PAYLOAD_DIGEST:
        assert stored.payload_digest == response.payload_digest and stored.status == 200
    else:
        assert stored.payload_digest is None and stored.status == 304


def test_identical_payload_revisit_needs_digest(tmp_path):
    with make_writer(tmp_path) as writer, pytest.raises(ValueError, match="payload_digest"):
        writer.write_revisit(
            url=URL, profile=RevisitProfile.IDENTICAL_PAYLOAD_DIGEST, refers_to="<urn:uuid:x>",
            refers_to_url=URL, refers_to_date=FETCHED_AT, payload_digest=None, protocol="HTTP/1.1",
            status=200, reason="OK", response_headers=[], ip_address=None, fetched_at=FETCHED_AT,
        )
    assert list(tmp_path.iterdir()) == []  # nothing opened for a refused record


# ---------------------------------------------------------------------- files and rotation


def test_rotation_keeps_pairs_and_warcinfo_first(tmp_path):
    ticks = itertools.count()
    clock = lambda: datetime(2024, 5, 6, 7, 8, next(ticks) % 60, tzinfo=UTC)  # noqa: E731
    refs: list[RecordRef] = []
    with make_writer(tmp_path, max_size=1500, worker_id="w 1/α", clock=clock) as writer:
        for i in range(6):
            refs.extend(write_known_exchange(writer, url=f"{URL}&i={i}"))
    files = sorted(tmp_path.glob("*.warc.gz"))
    assert len(files) >= 3
    for path in files:
        assert path.name.startswith("gongkai-w_1-2024050607")
        assert path.name.endswith("-4242.warc.gz")
        first = next(iter_records(path))[2]
        assert first.record_type == "warcinfo"
        assert f"WARC-Filename: {path.name}".encode() in members(path)[0]
        assert check_file(path).whole
    serials = sorted(int(p.name.split("-")[-2]) for p in files)
    assert serials == list(range(len(files)))
    for response, request in zip(refs[::2], refs[1::2], strict=True):
        assert response.filename == request.filename  # an exchange never straddles files
        assert read_record(tmp_path / response.filename, response.offset).record_id == response.record_id
    warcio_check(*files)


def test_oversized_record_goes_alone(tmp_path):
    with make_writer(tmp_path, max_size=100) as writer:
        a, _ = write_known_exchange(writer)
        b, _ = write_known_exchange(writer)
    assert a.filename != b.filename
    assert len(list(tmp_path.glob("*.warc.gz"))) == 2


def test_close_idempotent_and_write_after_close(tmp_path):
    writer = make_writer(tmp_path)
    write_known_exchange(writer)
    writer.close()
    writer.close()
    with pytest.raises(WarcWriteError, match="closed"):
        write_known_exchange(writer)


def test_fsync_writer(tmp_path):
    with make_writer(tmp_path, fsync=True) as writer:
        response, _ = write_known_exchange(writer)
    assert read_record(tmp_path / response.filename, response.offset).payload == GZIP_BODY


def test_no_file_without_records(tmp_path):
    with make_writer(tmp_path):
        pass
    assert list(tmp_path.iterdir()) == []
