"""Crawl bookkeeping: one crawl's archive (``crawlarchive``), what earlier captures tell a new one
(``incremental``), nightly rules for removed and unlisted reports (``nightly``), change events
(``events``), run monitors (``monitors``) and the crawl lock (``lock``)."""
