"""Metric and recording-rule names referenced by a PromQL expression (a small lexer, not a parser).

Enough for the expressions in our rules and dashboards: it drops strings, label matchers, ranges,
`by (...)`-style label lists, Grafana variables, durations and numbers, and treats an identifier followed by
`(` as a function. What remains are series names.
"""

from __future__ import annotations

import re

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_LABEL_LIST = re.compile(
    r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", re.IGNORECASE
)
_VARIABLE = re.compile(r"\$\{?\w+\}?")
_DURATION = re.compile(r"(?<![\w:])\d+(ms|s|m|h|d|w|y)(?![\w:])")
_NUMBER = re.compile(r"(?<![\w:])\d+(\.\d+)?(e[+-]?\d+)?(?![\w:])", re.IGNORECASE)
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")
KEYWORDS = {"and", "or", "unless", "bool", "offset", "inf", "nan"}


def series_names(expr: str) -> set[str]:
    """Names of the series `expr` selects."""
    text = _STRING.sub(" ", expr)
    text = _VARIABLE.sub(" ", text)
    text = _MATCHERS.sub(" ", text)
    text = _RANGE.sub(" ", text)
    text = _LABEL_LIST.sub(" ", text)
    text = _DURATION.sub(" ", text)
    text = _NUMBER.sub(" ", text)
    names = set()
    for match in _IDENT.finditer(text):
        word = match.group()
        following = text[match.end() :].lstrip()[:1]
        if following == "(" or word.lower() in KEYWORDS:
            continue
        names.add(word)
    return names
