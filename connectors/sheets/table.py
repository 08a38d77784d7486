"""What a flow hands the sheet connector: a tab of typed columns, keyed rows and formatting wishes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from connectors.errors import ApiError
from connectors.redaction import redact

Kind = Literal["text", "int", "hours", "decimal", "money", "percent", "date", "bool"]
Mode = Literal["managed", "fill"]
Value = str | int | float | Decimal | date | bool | None

KINDS: tuple[str, ...] = ("text", "int", "hours", "decimal", "money", "percent", "date", "bool")
SYNC_STATUS = "Sync status"
MEMORY_TAB = "_opsheets"
SYSTEM = "Sheets"  # the system a backend-neutral error names; the Google backend names itself


class SheetError(ApiError):
    """Base of every error the sheet connector raises: an `ApiError` like any other system's, so flows
    and the CLI handle them alike. Its message already names the spreadsheet (or workbook), the cell
    or tab where there is one, and the fix, so it is not prefixed with the system again."""

    def __init__(self, message: str, *, system: str = SYSTEM, status: int | None = None) -> None:
        super().__init__(system, message, status=status)
        self.args = (redact(message),)


class SheetLayoutError(SheetError):
    """The sheet's layout does not allow a safe sync; nothing was written."""


class SpreadsheetNotFound(SheetError):
    pass


class SheetAccessDenied(SheetError):
    pass


class SheetRequestRefused(SheetError):
    """The service refused a request for a reason other than access or a missing spreadsheet (a 400
    for a range on a missing tab, a write whose rows moved): asking the same again cannot help."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "text"
    width: int | None = None  # pixels; None keeps the backend default


@dataclass(frozen=True)
class ConditionalRule:
    """A formatting wish over named columns.

    kind "negative": values below zero red; "budget": >= 0.9 amber and > 1.0 red (a used share);
    "scale": one colour scale over all its columns that diverges at zero: red below, white at zero,
    greener up to the largest value. A scale is always laid out after the other rules of its tab, so
    in Sheets (first matching rule wins) and Excel (priority, stop if true) a red rule beats it, and
    where an app paints a scale over any rule (LibreOffice) its own colour below zero is red too.
    """

    kind: Literal["negative", "budget", "scale"]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class ChartSpec:
    """A chart wish: one bar group per row, labelled by `category`, one bar per `series` column.

    Placed right of the table over exactly its rows; a chart with this title on the tab is taken
    as ours and replaced (never duplicated) whenever the rows or columns it covers move.
    """

    title: str
    category: str
    series: tuple[str, ...]
    kind: Literal["column", "bar"] = "column"


@dataclass
class Table:
    tab: str
    columns: list[Column]
    key: tuple[str, ...]
    rows: list[dict[str, Value]] = field(default_factory=list)
    currency: str = "EUR"
    rules: list[ConditionalRule] = field(default_factory=list)
    mode: Mode = "managed"
    chart: ChartSpec | None = None

    def __post_init__(self) -> None:
        if isinstance(self.key, str):
            self.key = (self.key,)
        self._check()

    def _check(self) -> None:
        names = [c.name for c in self.columns]
        problems = []
        if len(set(names)) != len(names):
            problems.append("column names repeat")
        if SYNC_STATUS in names:
            problems.append(f"'{SYNC_STATUS}' is reserved for opsheets")
        if self.tab == MEMORY_TAB:
            problems.append(f"tab name '{MEMORY_TAB}' is reserved for opsheets")
        problems += [f"key column '{k}' is not a column" for k in self.key if k not in names]
        problems += [
            f"column '{c.name}' has unknown kind '{c.kind}'" for c in self.columns if c.kind not in KINDS
        ]
        for rule in self.rules:
            problems += [f"rule column '{c}' is not a column" for c in rule.columns if c not in names]
        problems += self._chart_problems(names)
        if not self.key:
            problems.append("a table needs at least one key column")
        if problems:
            raise ValueError(f"Table '{self.tab}': " + "; ".join(problems))

    def _chart_problems(self, names: list[str]) -> list[str]:
        if self.chart is None:
            return []
        wanted = [self.chart.category, *self.chart.series]
        problems = [f"chart column '{c}' is not a column" for c in wanted if c not in names]
        if not self.chart.series:
            problems.append("a chart needs at least one series column")
        if self.chart.kind not in ("column", "bar"):
            problems.append(f"chart kind '{self.chart.kind}' is not column or bar")
        return problems

    def owned_columns(self) -> list[Column]:
        """The columns opsheets writes; managed tabs end with the sync status column."""
        if self.mode == "managed":
            return [*self.columns, Column(SYNC_STATUS, "text", 220)]
        return list(self.columns)

    def kind_of(self, name: str) -> str:
        return next((c.kind for c in self.owned_columns() if c.name == name), "text")
