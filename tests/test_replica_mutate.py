"""The replica edited as a site changes between crawls: a report edited (new validators), deleted
or unlisted, spam injected into a clean report; the truth follows every change."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pipelines.text import body_text
from replica import build_site
from replica.mutate import delete_report, edit_report, inject_spam, read_truth, unlist_report
from replica.server import ReplicaServer
from tests.test_replica import fetch, reports


@pytest.fixture()
def mutable(tmp_path):
    build_site(tmp_path)
    with ReplicaServer(tmp_path) as running:
        yield tmp_path, running


def _clock():
    return datetime(2030, 1, 1, tzinfo=UTC)


def test_edit_report(mutable):
    out, server = mutable
    row = next(r for r in reports(read_truth(out)) if r["listed"] and not r["spam"])
    _, before, _ = fetch(server, row["path"])
    edit_report(out, row["path"], metric="meetings", delta=2, clock=_clock)
    after = read_truth(out)[row["path"]]
    old = {s["metric"]: s["value"] for s in row["statistics"]}
    new = {s["metric"]: s["value"] for s in after["statistics"]}
    assert new["meetings"] == old["meetings"] + 2 and "按季度更新公开内容" in after["clean_text"]
    status, headers, _ = fetch(server, row["path"], headers={"If-None-Match": before["ETag"]})
    assert status == 200 and headers["ETag"] != before["ETag"]
    assert headers["Last-Modified"] == "Tue, 01 Jan 2030 00:00:00 GMT"
    assert fetch(server, "/index.htm", headers={"If-None-Match": fetch(server, "/")[1]["ETag"]})[0] == 304


def test_delete_and_unlist_report(mutable):
    out, server = mutable
    rows = [r for r in reports(read_truth(out)) if r["listed"] and r["prev_path"] and r["next_path"]]
    gone, orphan = rows[0], rows[5]
    delete_report(out, gone["path"], clock=_clock)
    truth = read_truth(out)
    assert fetch(server, gone["path"])[0] == 404 and gone["path"] not in truth
    assert truth[gone["prev_path"]]["next_path"] == gone["next_path"]
    unlist_report(out, orphan["path"], clock=_clock)
    truth = read_truth(out)
    assert fetch(server, orphan["path"])[0] == 200 and truth[orphan["path"]]["listed"] is False
    assert orphan["path"] not in {r["prev_path"] for r in truth.values() if r["kind"] == "article"}
    assert orphan["path"] not in {r["next_path"] for r in truth.values() if r["kind"] == "article"}
    listings = [p for p, r in truth.items() if r["kind"] == "listing" and r["column_id"] == orphan["column_id"]]
    name = orphan["path"].rsplit("/", 1)[1]
    assert not any(name in fetch(server, p)[2].decode("utf-8", "replace") for p in listings)


def test_inject_spam(mutable):
    out, server = mutable
    row = next(r for r in reports(read_truth(out)) if not r["spam"])
    inject_spam(out, row["path"], kind="word_swap", word="关于", clock=_clock)
    after = read_truth(out)[row["path"]]
    assert [s["kind"] for s in after["spam"]] == ["word_swap"]
    assert after["clean_text"] == row["clean_text"]
    page = fetch(server, row["path"])[2].decode(row["encoding"])
    assert after["spam"][0]["text"] in page and "关于" not in body_text(page)
