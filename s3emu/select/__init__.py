"""S3 Select (SelectObjectContent): SQL over one CSV, JSON or Parquet object, answered as an
event stream.

- :mod:`.request` reads the SelectObjectContentRequest document;
- :mod:`.sql` parses the expression with sqlglot into a :class:`.sql.Query`;
- :mod:`.values`, :mod:`.evaluate`, :mod:`.functions`, :mod:`.timestamps`, :mod:`.aggregate`
  evaluate it with S3 Select's semantics (NULL vs MISSING, type rules);
- :mod:`.readers` turn the object's bytes into records (CSV, JSON DOCUMENT / LINES, Parquet;
  GZIP / BZIP2; ScanRange), :mod:`.writers` the results into CSV or JSON;
- :mod:`.eventstream` frames them as S3's messages; :mod:`.run` ties it together, row by row.

sqlglot (and pyarrow, for Parquet) come with the ``select`` extra; without it
SelectObjectContent is 501 NotImplemented naming the extra (:func:`missing_extra`).
"""
from __future__ import annotations

import importlib


def missing_extra(module: str = "sqlglot") -> bool:
    """Whether ``module`` of the ``select`` extra cannot be imported."""
    try:
        importlib.import_module(module)
    except ImportError:
        return True
    return False
