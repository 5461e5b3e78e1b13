"""WARC: records built in memory (``records``), appended to rotating files (``writer``), read back
at an offset (``reader``), checked and repaired whole (``check``), indexed and packaged for
replay tools (``cdx``). warcio stays behind these modules; nothing here knows SQL or Scrapy.

The contract of ``docs/design.md`` (``archive.warc``): ``WarcWriter``, ``RecordRef``.
"""

from archive.warc.files import WARC_SUBDIR, warc_dir, warc_files
from archive.warc.reader import StoredRecord, WarcReadError, iter_records, read_record
from archive.warc.records import RecordRef, RevisitProfile, sha1_digest
from archive.warc.writer import WarcWriteError, WarcWriter

__all__ = [
    "WARC_SUBDIR",
    "RecordRef",
    "RevisitProfile",
    "StoredRecord",
    "WarcReadError",
    "WarcWriteError",
    "WarcWriter",
    "iter_records",
    "read_record",
    "sha1_digest",
    "warc_dir",
    "warc_files",
]
