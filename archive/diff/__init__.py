"""Diffs across years and captures, trends, and copy-paste detection: a pure core and renderers;
``load`` reads report versions through ``archive.sql``, ``api`` holds the calls behind the commands."""
