"""The SQL room: the only package that imports SQLAlchemy (and Alembic).

``models`` and ``types`` (the schema), ``engine`` (engines, sessions, migrations on first use),
``writes`` (pages, captures, versions), and every select the project runs: ``latest`` (the
latest version of each page, defined once), ``queries`` (the corpus), ``crawls`` (the crawl's
bookkeeping), ``search`` (full-text SQL and index upkeep), ``filters``.
"""
