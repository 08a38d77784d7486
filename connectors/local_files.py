"""Files and folders opsheets writes on this machine: owner-only, written whole.

Workbooks, the comment bridge's cursor and the demo's output hold people's names, plans and
budgets; other accounts on the machine have no business reading them. Every folder opsheets
creates is 0700 and every file 0600, whatever the umask: files are written to a temporary file
(created 0600 by `mkstemp`) in the same folder and `os.replace`d over the target, so a crash leaves
the old file or the new one, never half. Reports for people go through the secret redaction; data
(a config, a dataset, a cursor) is written as it is, since masking could change it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from connectors.redaction import redact

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dirs(path: Path) -> None:
    """Create `path` and each missing parent as 0700; folders that exist are left as they are."""
    missing: list[Path] = []
    current = Path(path)
    while not current.exists():
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:  # created meanwhile by another writer
            continue
        os.chmod(folder, PRIVATE_DIR)  # mkdir's mode is narrowed by the umask, never widened


@contextmanager
def replacing(path: Path, prefix: str | None = None) -> Iterator[Path]:
    """A 0600 temporary path beside `path` to write; on a clean exit it replaces `path` atomically,
    on an error it is removed and `path` is untouched."""
    path = Path(path)
    make_private_dirs(path.parent)
    fd, temporary = tempfile.mkstemp(prefix=prefix or f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(temporary)
        os.chmod(temporary, PRIVATE_FILE)  # a writer may have recreated it with the umask's mode
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_private(path: Path, content: str | bytes) -> None:
    """Write `content` to `path`, owner-only and atomically, as it is (data such as a config)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with replacing(path) as temporary:
        temporary.write_bytes(data)


def write_report(path: Path, text: str) -> None:
    """Write text meant for people (a run report) like `write_private`, through the secret redaction."""
    write_private(path, redact(text))


def save_private(path: Path, save: Callable[[Path], None], prefix: str | None = None) -> None:
    """`save(temporary)` writes the file (e.g. openpyxl's `Workbook.save`); it then replaces `path`."""
    with replacing(path, prefix) as temporary:
        save(temporary)
