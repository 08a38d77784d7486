"""What a flow run hands back: per-sheet results, the summary people read, warnings and failures.

The CLI prints it (a dry run's cell-level changes as a table); the artifacts are made from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from connectors.sheets import CellChange, SyncResult


@dataclass
class RunReport:
    flow: str
    dry_run: bool = False
    sheets: dict[str, SyncResult] = field(default_factory=dict)  # spreadsheet name -> result
    links: dict[str, str] = field(default_factory=dict)  # spreadsheet name -> URL
    summary: list[str] = field(default_factory=list)  # one line per fact worth reading first
    table: list[dict[str, object]] = field(default_factory=list)  # the run's key figures
    warnings: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)  # left out for good by an earlier run: exit code 2

    def changes(self) -> list[tuple[str, CellChange]]:
        return [(name, change) for name, result in self.sheets.items() for change in result.changes]

    @property
    def cells_written(self) -> int:
        return sum(result.cells_written for result in self.sheets.values())

    def markdown(self) -> str:
        mode = " (dry run: nothing written)" if self.dry_run else ""
        lines = [f"# {self.flow}{mode}", ""]
        lines += [f"- {line}" for line in self.summary]
        if self.failures:
            lines += ["", "## Failures", ""] + [f"- {line}" for line in self.failures]
        if self.partial:
            lines += ["", "## Left out (partial run)", ""] + [f"- {line}" for line in self.partial]
        if self.warnings:
            lines += ["", "## Warnings", ""] + [f"- {line}" for line in self.warnings]
        if self.links:
            lines += ["", "## Sheets", ""] + [f"- [{name}]({url})" for name, url in self.links.items()]
        return "\n".join(lines) + "\n"
