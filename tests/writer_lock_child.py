"""A second opsheets process for the writer-lock tests: syncs one tab of a workbook ROUNDS times.

Usage: python -m tests.writer_lock_child WORKBOOK TAB ROUNDS
Each round writes the round number into every row, so each round is a real save.
"""

from __future__ import annotations

import logging
import sys
from datetime import date
from pathlib import Path

from connectors.sheets import Column, Table, open_workbook

ROWS = 3


def round_table(tab: str, value: int) -> Table:
    rows = [{"Key": f"{tab}-{i}", "Round": value} for i in range(ROWS)]
    return Table(tab, [Column("Key"), Column("Round", "int")], key=("Key",), rows=rows)


def main(path: Path, tab: str, rounds: int) -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
    for value in range(rounds):
        open_workbook(path).sync([round_table(tab, value)], today=date(2026, 11, 26))
    print("done", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
