"""The archive: WARC files and the SQL database, and what is read out of them. No Scrapy here.

Rooms with one job each: ``warc`` (records, files, reading, checking, CDXJ/WACZ), ``sql`` (the
schema and every query), ``runs`` (crawl bookkeeping), ``search`` (the query language),
``diff`` (year and capture diffs, trends, copy-paste), ``reports`` (export, cite, spam report,
verify); ``clock`` is UTC time for all of them. See docs/design.md, "The map".
"""
