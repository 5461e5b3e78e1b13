"""The benchmark's peer spider: the same link following as the ``reports`` spider, in plain Scrapy.

The peers run in venvs of their own (scrapy-webarchive 0.5.3 needs Scrapy < 2.12), where gongkai's
packages and the async ``start()`` of Scrapy 2.13+ are not available. This spider reads the same
site profile (``crawler/sites/<site>.toml``) and follows the same links: hub -> year columns ->
every listing page (下页) -> each report -> 上一条/下一条 both ways -> attachments, robots.txt
obeyed. It stores nothing; ``--webarchive DIR`` adds scrapy-webarchive's WACZ exporter (its WARC
writer) in front of it, writing into DIR. Prints one JSON line: pages (responses), seconds.

Run: ``python bench/peer_spider.py http://127.0.0.1:8080/ [--webarchive DIR]``
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import tomllib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess

SITES = Path(__file__).resolve().parent.parent / "crawler" / "sites"


class PeerSpider(scrapy.Spider):
    name = "peer"

    def __init__(self, start_url: str, profile: dict, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        links, sel = profile["links"], profile["selectors"]
        self.article = re.compile(links["article_url"])
        self.listing = re.compile(links["listing_url"])
        self.attachment = re.compile(links["attachment_url"])
        self.hub_text = re.compile(links["report_link_text"])
        self.chain_text = re.compile(f"{links['prev_text']}|{links['next_text']}")
        self.pager_text = re.compile(links["next_page_text"])
        self.never = [re.compile(p) for p in links["never_fetch"]]
        self.rows = sel["listing_rows"]
        self.pagers = sel["pager_links"]
        self.allowed_domains = [urlsplit(start_url).hostname]
        self.port = urlsplit(start_url).port

    def start_requests(self):
        yield scrapy.Request(self.start_url, callback=self.parse)

    def _url(self, response, href):
        if not href or href.strip().lower().startswith(("javascript:", "mailto:")):
            return None
        url = urljoin(response.url, href.strip()).split("#", 1)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.port != self.port:
            return None
        return None if any(p.search(url) for p in self.never) else url

    def parse(self, response):
        if not hasattr(response, "text"):
            return
        path = urlsplit(response.url).path
        if self.article.search(path):
            yield from self.report(response)
            return
        target = path + ("?" + urlsplit(response.url).query if urlsplit(response.url).query else "")
        rows = []
        if self.listing.search(target):
            for css in self.rows:
                rows = response.css(css)
                if rows:
                    break
        if rows:
            for row in rows:
                url = self._url(response, row.css("a::attr(href)").get())
                if url and self.article.search(urlsplit(url).path):
                    yield scrapy.Request(url, callback=self.report)
            for css in self.pagers:
                for link in response.css(css):
                    if self.pager_text.search(" ".join(link.css("::text").getall())):
                        url = self._url(response, link.attrib.get("href"))
                        if url:
                            yield scrapy.Request(url, callback=self.parse)
                        return
            return
        for link in response.css("a[href]"):
            text = " ".join(link.css("::text").getall()).strip() or link.attrib.get("title", "")
            url = self._url(response, link.attrib["href"])
            if url and not self.article.search(urlsplit(url).path) and self.hub_text.search(text):
                yield scrapy.Request(url, callback=self.parse)

    def report(self, response):
        if not hasattr(response, "text"):
            return
        for link in response.xpath('//a[@href][contains(string(..), "一条") or contains(string(..), "一篇")]'):
            label = " ".join(link.xpath("../text()").getall())
            url = self._url(response, link.attrib["href"])
            if url and self.chain_text.search(label) and self.article.search(urlsplit(url).path):
                yield scrapy.Request(url, callback=self.report)
        for href in response.css("a::attr(href)").getall():
            url = self._url(response, href)
            if url and self.attachment.search(url):
                yield scrapy.Request(url, callback=self.attachment_done)

    def attachment_done(self, response):
        return None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--site", default="renshou")
    parser.add_argument("--webarchive", type=Path, default=None, help="write a WACZ (scrapy-webarchive) here")
    args = parser.parse_args(argv)
    with open(SITES / f"{args.site}.toml", "rb") as fh:
        profile = tomllib.load(fh)
    settings = {
        "ROBOTSTXT_OBEY": True, "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 16, "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "RETRY_TIMES": 1,
        "COOKIES_ENABLED": False, "TELNETCONSOLE_ENABLED": False, "LOG_LEVEL": "WARNING",
        "DEPTH_PRIORITY": 1, "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
    }
    if args.webarchive:
        args.webarchive.mkdir(parents=True, exist_ok=True)
        os.chdir(args.webarchive)  # its WARC goes to the working directory, the WACZ to the URI
        settings["EXTENSIONS"] = {"scrapy_webarchive.extensions.WaczExporter": 543}
        settings["SW_EXPORT_URI"] = f"file://{args.webarchive.resolve()}/"
    began = time.monotonic()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PeerSpider)
    process.crawl(crawler, start_url=args.url, profile=profile)
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"pages": stats.get("response_received_count", 0), "seconds": time.monotonic() - began,
                      "finish_reason": stats.get("finish_reason")}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
