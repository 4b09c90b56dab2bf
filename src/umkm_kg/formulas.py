"""Spreadsheet formula injection (CSV injection): what a spreadsheet runs, and how not to.

OWASP's rule: a cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return may be run as a formula when the file is opened in a spreadsheet. Records are refused
such values wherever they come from (a CSV cell, a value after an honorific or a ``;`` split, a
Turtle or JSON-LD literal); every CSV or TSV the tool writes neutralises them by putting a
single quote in front, which spreadsheets show as text.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""Leading characters that make a spreadsheet read a cell as a formula (OWASP)."""

_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")


def is_formula(value: str) -> bool:
    """Whether a spreadsheet could run ``value`` (leading spaces ignored; a number is safe).

    >>> is_formula("=HYPERLINK(\\"http://x\\")"), is_formula("  @SUM(A1)"), is_formula("-12.5")
    (True, True, False)
    """
    text = value.lstrip(" ")
    return text.startswith(FORMULA_START) and _NUMBER.fullmatch(text) is None


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet will show it as text: a formula gets a leading ``'``.

    >>> neutralise("=1+1"), neutralise("Batik"), neutralise("-3")
    ("'=1+1", 'Batik', '-3')
    """
    return "'" + cell if is_formula(cell) else cell
