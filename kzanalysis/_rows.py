"""Rows of a table, for the loops that must read them one by one in Python, and their hashes.

``DataFrame.itertuples`` reads a column of strings (pandas' Arrow-backed ``str``) one Arrow scalar at a time:
on the 270,050 sentences of 10,000 articles it took 8.5 s where reading each column whole (``tolist``) and zipping
took 1.5 s, and the claims stage loops over every sentence several times.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd


def iter_rows(table: pd.DataFrame) -> Iterator[Any]:
    """``table.itertuples(index=False)``: the same named tuples of equal values, read column by column (a masked
    integer comes as a Python ``int``, not a numpy one).

    Example:
        >>> table = pd.DataFrame({"doc_id": ["a", "b"], "para_id": [0, 3], "text": ["One.", None]})
        >>> [tuple(row) for row in iter_rows(table)] == [tuple(row) for row in table.itertuples(index=False)]
        True
        >>> next(iter_rows(table)).para_id
        0
    """
    row = namedtuple("Pandas", [str(c) for c in table.columns], rename=True)  # type: ignore[misc]
    return map(row._make, zip(*(table.iloc[:, k].tolist() for k in range(table.shape[1]))))


_HASH_ROWS = 1 << 16
"""Rows hashed at a time by :func:`row_hashes`."""


def row_hashes(table: pd.DataFrame, *, hash_key: str | None = None) -> np.ndarray:
    """``pd.util.hash_pandas_object(table, index=False)`` as a numpy array (one ``uint64`` per row), hashed a block
    of rows at a time: hashing a column of Arrow strings makes a Python string of each value first, and at 100,000
    planted articles the 908,485 paragraph texts at once were the overlap notebook's largest memory. A row's hash
    depends on that row alone, so the blocks give the same values.

    Example:
        >>> table = pd.DataFrame({"doc_id": ["a", "b", "c"], "text": ["One.", "Two.", None]})
        >>> bool((row_hashes(table) == pd.util.hash_pandas_object(table, index=False).to_numpy()).all())
        True
    """
    options = {} if hash_key is None else {"hash_key": hash_key}
    out = np.empty(len(table), dtype=np.uint64)
    for start in range(0, len(table), _HASH_ROWS):
        block = table.iloc[start:start + _HASH_ROWS]
        out[start:start + len(block)] = pd.util.hash_pandas_object(block, index=False, **options).to_numpy()
    return out
