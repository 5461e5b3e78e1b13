"""gongkai: an archival crawler for Chinese county government disclosure reports."""

__version__ = "0.1.0"
