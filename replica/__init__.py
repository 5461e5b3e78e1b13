"""Replica of the target VSB county portal: generator, HTTP server and between-run mutations.

Public API::

    build_site(out_dir, *, scale=1, seed=2019) -> BuildSummary
    ReplicaServer(root, host="127.0.0.1", port=0)      # context manager, .url, .requests()
    serve_forever(out_dir, *, host, port, ready)
    edit_report / delete_report / unlist_report / inject_spam   (replica.mutate)

Nothing is built or started at import time.
"""

from replica.generate import BuildSummary, build_site
from replica.mutate import delete_report, edit_report, inject_spam, read_truth, unlist_report
from replica.server import ReplicaServer, serve_forever

__all__ = [
    "BuildSummary",
    "ReplicaServer",
    "build_site",
    "delete_report",
    "edit_report",
    "inject_spam",
    "read_truth",
    "serve_forever",
    "unlist_report",
]
