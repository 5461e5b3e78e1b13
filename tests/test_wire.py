"""Wire-exact capture: crawl a raw-socket server that sends legal but unusual responses, and compare
the WARC records with the bytes that crossed the socket, byte for byte."""

from __future__ import annotations

import gzip
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select
from warcio.archiveiterator import ArchiveIterator

from archive.reports.verify import verify_archive
from archive.sql.engine import make_engine, make_sessionmaker
from archive.sql.models import Capture
from archive.warc.message import dechunk, message_length, parse_head
from archive.warc.records import sha1_digest
from tests import rawserver
from tests.rawserver import RawServer

pytestmark = pytest.mark.e2e

FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2"]
UNUSUAL = (rawserver.ARTICLE, rawserver.CHUNKED, rawserver.GZIPPED, rawserver.CHUNKED_GZIP, rawserver.ATTACHMENT)


def warc_blocks(path: Path):
    """(WARC header lines, block bytes) of every record, read with zlib alone: no WARC library
    between the file and the comparison."""
    data = path.read_bytes()
    while data:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        record = inflater.decompress(data)
        data = inflater.unused_data
        head, _, rest = record.partition(b"\r\n\r\n")
        fields = dict(line.split(b": ", 1) for line in head.split(b"\r\n")[1:])
        length = int(fields[b"Content-Length"])
        assert rest[length:] == b"\r\n\r\n"
        yield {k.decode(): v.decode() for k, v in fields.items()}, rest[:length]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("wire")
    with RawServer() as server:
        result = subprocess.run(
            [sys.executable, "-m", "gongkai", "crawl", "--start-url", server.url + rawserver.ARTICLE,
             "--data-dir", str(data_dir), *FAST],
            capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        records = [rec for path in sorted((data_dir / "warc").glob("*.warc.gz")) for rec in warc_blocks(path)]
        return {"data_dir": data_dir, "server": server, "records": records}


def entity_of(sent: bytes, *, decompress: bool = False) -> bytes:
    """The entity body of a raw response: chunks removed, and gzip too when ``decompress``."""
    head = parse_head(sent)
    entity = sent[head.length :]
    if head.chunked:
        entity = dechunk(entity)
    if decompress and head.get(b"content-encoding") == b"gzip":
        entity = gzip.decompress(entity)
    return entity


def _target(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def responses(crawl) -> dict[str, tuple[dict, bytes]]:
    return {_target(f["WARC-Target-URI"]): (f, b) for f, b in crawl["records"] if f["WARC-Type"] == "response"}


def test_every_unusual_response_was_fetched(crawl):
    fetched = {target for target, _ in crawl["server"].requests}
    assert set(UNUSUAL) | {"/robots.txt"} <= fetched


@pytest.mark.parametrize("target", UNUSUAL)
def test_response_record_is_the_bytes_the_server_sent(crawl, target):
    _, block = responses(crawl)[target]
    assert block == crawl["server"].sent[target]


def test_reason_phrase_header_case_order_and_repeats_are_kept(crawl):
    _, block = responses(crawl)[rawserver.ARTICLE]
    head = parse_head(block)
    assert head.first_line == b"HTTP/1.1 200 Okay Then"
    names = [name for name, _ in head.headers]
    assert names == [b"content-type", b"Set-Cookie", b"X-Powered-BY", b"Set-Cookie", b"eTaG", b"Content-Length"]
    assert [v for n, v in head.headers if n == b"Set-Cookie"] == [b"JSESSIONID=abc; Path=/", b"lang=zh"]


def test_chunked_body_keeps_its_framing_and_extension(crawl):
    fields, block = responses(crawl)[rawserver.CHUNKED]
    head = parse_head(block)
    assert head.chunked and block[head.length :].startswith(b"7;note=first\r\n")
    # only the block digest: warcio and WARC 1.1 disagree on a chunked payload's digest
    assert "WARC-Payload-Digest" not in fields and fields["WARC-Block-Digest"].startswith("sha1:")


@pytest.mark.parametrize("target", UNUSUAL)
def test_request_record_is_the_bytes_the_server_read(crawl, target):
    sent = {_target(f["WARC-Target-URI"]): b for f, b in crawl["records"] if f["WARC-Type"] == "request"}
    read = dict(crawl["server"].requests)
    assert sent[target] == read[target]
    assert sent[target].startswith(f"GET {target} HTTP/1.1\r\n".encode())


def test_warcio_check_passes_on_every_file(crawl):
    warcio = str(Path(sys.executable).with_name("warcio"))
    for path in (crawl["data_dir"] / "warc").glob("*.warc.gz"):
        result = subprocess.run([warcio, "check", "-v", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout
        assert "failed" not in result.stdout


def test_readers_get_the_entity_bodies(crawl):
    """What a pywb-style reader sees: warcio's ArchiveIterator de-chunks and decompresses."""
    bodies = {}
    for path in (crawl["data_dir"] / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh):
                if record.rec_type == "response":
                    bodies[_target(record.rec_headers.get_header("WARC-Target-URI"))] = record.content_stream().read()
    for target in UNUSUAL:
        assert bodies[target] == entity_of(crawl["server"].sent[target], decompress=True), target


def test_capture_rows_carry_the_entity_digest_and_verify_is_clean(crawl):
    data_dir = crawl["data_dir"]
    engine = make_engine(f"sqlite:///{data_dir / 'gongkai.sqlite'}", migrate=False)
    try:
        with make_sessionmaker(engine)() as session:
            rows = {_target(c.url): c for c in session.scalars(select(Capture))}
            for target in UNUSUAL:
                assert rows[target].payload_digest == sha1_digest(entity_of(crawl["server"].sent[target])), target
                assert rows[target].status == 200
            report = verify_archive(session, data_dir / "warc")
            assert report.ok, report.problems
    finally:
        engine.dispose()


def test_report_pages_behind_chunked_and_gzip_were_parsed(crawl):
    """The spider followed 上一条/下一条 out of the chunked and gzip pages: Scrapy's objects still
    work as before, the tee only watches."""
    fetched = {target for target, _ in crawl["server"].requests}
    assert rawserver.CHUNKED_GZIP in fetched  # linked only from the chunked page


def test_message_length_trims_bytes_after_the_message():
    body = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokJUNK"
    assert message_length(body) == (len(body) - 4, True)
    chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-T: 1\r\n\r\nJUNK"
    assert message_length(chunked) == (len(chunked) - 4, True)
    assert message_length(chunked[:-12]) == (len(chunked) - 12, False)
    assert message_length(b"HTTP/1.1 304 Not Modified\r\nETag: x\r\n\r\n") == (38, True)


def test_request_lines_match_their_url_in_origin_and_absolute_form():
    from crawler.wire import request_line_matches

    url = "http://127.0.0.1:8080/system/lm_list.jsp?totalpage=958&PAGENUM=3#top"
    assert request_line_matches(b"GET /system/lm_list.jsp?totalpage=958&PAGENUM=3 HTTP/1.1", url)
    # through an HTTP proxy Twisted writes the absolute URI
    assert request_line_matches(b"GET http://127.0.0.1:8080/system/lm_list.jsp?totalpage=958&PAGENUM=3 HTTP/1.1", url)
    assert not request_line_matches(b"GET /system/lm_list.jsp?totalpage=958&PAGENUM=4 HTTP/1.1", url)
    assert not request_line_matches(b"garbage", url)
