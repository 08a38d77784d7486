"""What a sync reports: per tab what it changed and what it left alone, and every cell it wrote."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from connectors.sheets.merge import CellWrite, TabPlan
from connectors.sheets.values import a1


@dataclass(frozen=True)
class CellChange:
    tab: str
    cell: str  # A1
    old: Any
    new: Any


@dataclass(frozen=True)
class TabResult:
    tab: str
    cells_written: int
    rows_added: int
    rows_removed: int
    rows_kept: int
    columns_added: int
    columns_removed: int
    created: bool
    chart_replaced: bool = False
    warnings: tuple[str, ...] = ()  # what the sync left alone that a person may want to look at


@dataclass(frozen=True)
class SyncResult:
    title: str
    dry_run: bool
    tabs: list[TabResult]
    writes: dict[str, list[CellWrite]] = field(default_factory=dict, repr=False)

    @property
    def cells_written(self) -> int:
        return sum(t.cells_written for t in self.tabs)

    @property
    def warnings(self) -> list[str]:
        return [w for t in self.tabs for w in t.warnings]

    @property
    def changes(self) -> list[CellChange]:
        """Every cell written, in A1 terms; built on demand: a first sync writes ~10⁵ cells and only a
        dry run or a report looks at them one by one."""
        return [
            CellChange(tab, a1(w.row, w.col), w.old, w.value) for tab, ws in self.writes.items() for w in ws
        ]


def sync_result(title: str, plans: list[TabPlan], dry_run: bool) -> SyncResult:
    tabs = [
        TabResult(
            tab=p.tab,
            cells_written=len(p.writes),
            rows_added=p.added,
            rows_removed=p.removed,
            rows_kept=p.kept,
            columns_added=len(p.insert_cols),
            columns_removed=len(p.delete_cols),
            created=p.create,
            chart_replaced=p.chart_change is not None,
            warnings=tuple(p.warnings),
        )
        for p in plans
    ]
    return SyncResult(title, dry_run, tabs, {p.tab: p.writes for p in plans})
