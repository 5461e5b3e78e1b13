"""The metric vocabulary: every statistic id with its Chinese and English label and its section
(``catalogue``), and which ids measure the same thing across the report templates
(``concordance``). Pure data and small lookups; imports nothing from the rest of the project, so
``pipelines.extract`` (which emits the ids) and ``archive.diff`` (which shows them) share one table.
"""
