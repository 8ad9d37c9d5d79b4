"""The small HTML tables that Handle, JobStatus and their kin show in a notebook (``_repr_html_``)."""

from __future__ import annotations

# Not `from typing import TYPE_CHECKING`: typing costs `import dlaunch` more than all the rest (type checkers
# know the name).
TYPE_CHECKING = False

if TYPE_CHECKING:
    from collections.abc import Iterable

# Terminal states stand out: green for success, red for failure, grey for stopped.
_STATE_COLOURS = {"SUCCEEDED": "#1a7f37", "FAILED": "#cf222e", "STOPPED": "#6e7781", "RUNNING": "#0969da"}


def state_badge(state: str) -> str:
    colour = _STATE_COLOURS.get(state, "#9a6700")
    return f'<span style="color:{colour};font-weight:bold">{state}</span>'


def table(title: str, rows: Iterable[tuple[str, str]]) -> str:
    """Rows of (label, HTML value); values the caller made from the job's own text must be escaped."""
    body = "".join(f'<tr><th style="text-align:left">{label}</th><td style="text-align:left">{value}</td></tr>'
                   for label, value in rows)
    return f"<table><caption style=\"text-align:left\"><code>{title}</code></caption>{body}</table>"
