"""CSV files -> Dataset, with one-line errors that say what is allowed."""

from __future__ import annotations

import csv
import io
import math
import os

import numpy as np

from landscape.data.dataset import Dataset, with_bias

MAX_CSV_BYTES = 5 * 1024 * 1024
MAX_CSV_ROWS = 100_000


def load_csv(source: bytes | str | os.PathLike, name: str = "upload") -> Dataset:
    """Load a CSV whose last column is the label and the others are 1 or 2 features.

    Error messages are one line and number data rows from 1 after the header, with
    the file's line number beside it: "row 3 (line 4)".

    Args:
        source: the file's contents as bytes (uploads), or a path as str/PathLike.
        name: the Dataset's name.

    Returns:
        The Dataset: x (n, 2) float32, y (n,) float32. One feature gives
        x = [feature, 1] and feature_names (header[0], "bias").

    Raises:
        ValueError: the file breaks a rule; the message says which and what is allowed.
        OSError: a path cannot be read.
    """
    data = source if isinstance(source, bytes) else _read_path(source)
    if len(data) > MAX_CSV_BYTES:
        raise ValueError(
            f"the file is larger than 5 MB; at most {MAX_CSV_BYTES} bytes are allowed"
        )
    header, rows = _read_rows(_decode(data))
    names = _check_header(header)
    values = _parse_values(names, rows)
    labels = np.ascontiguousarray(values[:, -1])
    features = np.ascontiguousarray(values[:, :-1])
    task = "classification" if np.isin(labels, (0.0, 1.0)).all() else "regression"
    if len(names) == 2:
        return Dataset(
            with_bias(features[:, 0]), labels, (names[0], "bias"), task, name, 1
        )
    return Dataset(features, labels, (names[0], names[1]), task, name, 2)


def _read_path(path: str | os.PathLike) -> bytes:
    with open(path, "rb") as file:
        # One byte past the limit is enough to know the file is too big.
        return file.read(MAX_CSV_BYTES + 1)


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValueError(
            "the file contains NUL bytes, so it is not text; "
            "only UTF-8 CSV text is allowed"
        )
    try:
        return data.decode("utf-8-sig")  # "-sig" drops a leading byte order mark.
    except UnicodeDecodeError as err:
        raise ValueError(
            f"the file is not UTF-8 text (byte {data[err.start]:#04x} at "
            f"offset {err.start}); only UTF-8 CSV text is allowed"
        ) from None


def _read_rows(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header cells and (line number, cells) per data row; blanks only at the end."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    blank_line = end = 0
    try:
        for cells in reader:
            # A quoted cell may span lines: report the line where the row starts.
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                blank_line = blank_line or line
                continue
            if blank_line:
                raise ValueError(
                    f"line {blank_line} is empty; empty lines are only "
                    "allowed at the end of the file"
                )
            if len(rows) > MAX_CSV_ROWS:
                raise ValueError(
                    f"row {len(rows)} (line {line}): too many "
                    f"rows; at most {MAX_CSV_ROWS} data rows are allowed"
                )
            rows.append((line, cells))
    except csv.Error as err:
        raise ValueError(
            f"line {reader.line_num}: not valid CSV ({err}); "
            "use comma-separated values with a header row"
        ) from None
    if not rows:
        raise ValueError(
            "the file is empty; a header row such as 'x,label' and at "
            "least 2 data rows are required"
        )
    return rows[0][1], rows[1:]


def _check_header(header: list[str]) -> list[str]:
    names = [cell.strip() for cell in header]
    if all(_is_number(cell) for cell in names):
        raise ValueError(
            f"line 1 ({','.join(names)[:40]!r}) looks like data, not a "
            "header; the first line must name the columns, e.g. 'x,label'"
        )
    if len(names) not in (2, 3):
        raise ValueError(
            f"the header has {len(names)} columns; 1 or 2 feature columns "
            "plus a label column (2 or 3 columns in all) are allowed"
        )
    if "" in names:
        raise ValueError(
            f"line 1, column {names.index('') + 1}: the header name is "
            "empty; every column needs a non-empty name"
        )
    return names


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_values(names: list[str], rows: list[tuple[int, list[str]]]) -> np.ndarray:
    """(n, k) float32 values of the data rows, k = len(names); every one finite."""
    values = np.empty((len(rows), len(names)))
    for i, (line, cells) in enumerate(rows):
        if len(cells) != len(names):
            raise ValueError(
                f"row {i + 1} (line {line}) has {len(cells)} cells but the "
                f"header has {len(names)}; every row needs {len(names)}"
            )
        for j, cell in enumerate(cells):
            values[i, j] = _parse_cell(
                cell, f"row {i + 1} (line {line}), column {names[j]!r}"
            )
    if len(rows) < 2:
        raise ValueError(
            f"the file has {len(rows)} data row(s); at least 2 data rows "
            "after the header are required"
        )
    with np.errstate(over="ignore"):
        narrow = values.astype(np.float32)
    bad = np.argwhere(~np.isfinite(narrow))
    if bad.size:
        i, j = bad[0]
        raise ValueError(
            f"row {i + 1} (line {rows[i][0]}), column {names[j]!r}: "
            f"{values[i, j]:g} is too large for float32; every value must "
            "be a finite number of magnitude at most 3.4e38"
        )
    return narrow


def _parse_cell(cell: str, where: str) -> float:
    shown = repr(cell if len(cell) <= 30 else cell[:27] + "...")
    if not cell.strip():
        raise ValueError(
            f"{where}: the cell is empty; every value must be a finite number"
        )
    try:
        value = float(cell)
    except ValueError:
        raise ValueError(
            f"{where}: {shown} is not a number; every value must be a finite number"
        ) from None
    if not math.isfinite(value):
        raise ValueError(
            f"{where}: {shown} is not finite; every value must be a finite number"
        )
    return value
