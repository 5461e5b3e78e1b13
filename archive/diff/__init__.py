"""Diffs across years and captures, trends, and copy-paste detection (pure core + SQL loaders)."""
