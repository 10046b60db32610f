"""The text of a document's flowables, paragraph by paragraph, for the page the draft is read from."""

from __future__ import annotations

from collections.abc import Iterable

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table


def _cell_text(cell: object) -> str:
    if isinstance(cell, str):
        return cell.strip()
    flowables = cell if isinstance(cell, list | tuple) else [cell]
    return " ".join(line for line in plain_text(flowables) if line)


def plain_text(flowables: Iterable[object]) -> list[str]:
    """Return the plain text of the paragraphs, in order; a table gives one line per row."""
    lines: list[str] = []
    for flowable in flowables:
        if isinstance(flowable, Paragraph):
            text = flowable.getPlainText().strip()
            if text:
                lines.append(text)
        elif isinstance(flowable, KeepTogether):
            lines += plain_text(getattr(flowable, "_content", []))
        elif isinstance(flowable, Table):
            for row in getattr(flowable, "_cellvalues", []):  # ReportLab keeps the cells there
                text = "   ".join(part for part in (_cell_text(cell) for cell in row) if part)
                if text:
                    lines.append(text)
        elif isinstance(flowable, list | tuple):
            lines += plain_text(flowable)
        elif not isinstance(flowable, Flowable):
            raise TypeError(f"not a flowable: {flowable!r}")
    return lines
