"""What the archive hands out: exports (``export``, one format registry), citations (``cite``),
the site's infection report (``spam_report``) and the database <-> WARC check (``verify``)."""
