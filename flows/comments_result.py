"""What one pass of the comment bridge did: items mirrored, items that failed (direction, item,
system, reason) and items left out after being refused too often."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from domain.comments import NEW, Withheld

TO_INTERCOM = "Jira → Intercom"
TO_JIRA = "Intercom → Jira"
READING = "reading"  # a conversation or an issue could not be read: nothing of it was compared


@dataclass(frozen=True)
class Mirrored:
    direction: str  # TO_INTERCOM or TO_JIRA
    issue_key: str
    conversation_id: str
    source_id: str  # Jira comment id or Intercom part id
    new_id: str  # the note's part id or the comment id it became or updated; "" in a dry run
    author: str
    kind: str = NEW  # new, edited or deleted

    def row(self) -> dict[str, object]:
        return {"Direction": self.direction, "Issue": self.issue_key, "Conversation": self.conversation_id,
                "From": self.source_id, "To": self.new_id or "(dry run)", "Author": self.author,
                "Result": self.kind}  # fmt: skip


@dataclass(frozen=True)
class Failed:
    """An item that could not be mirrored: which, where it was going, and why."""

    direction: str
    issue_key: str
    conversation_id: str
    source_id: str
    system: str  # the system that refused or failed: Jira or Intercom
    reason: str

    @property
    def cause(self) -> str:
        return self.reason.removeprefix(f"{self.system}: ")  # the connectors' errors name their system

    def describe(self) -> str:
        if self.direction == READING:
            return (f"{self.issue_key} / conversation {self.conversation_id} not compared (read failed): "
                    f"{self.system}: {self.cause}")  # fmt: skip
        kind = "comment" if self.direction == TO_INTERCOM else "note"
        return (f"{self.direction} {self.issue_key} / conversation {self.conversation_id} {kind} "
                f"{self.source_id}: {self.system}: {self.cause}")  # fmt: skip

    def row(self) -> dict[str, object]:
        return {"Direction": self.direction, "Issue": self.issue_key, "Conversation": self.conversation_id,
                "From": self.source_id, "To": "", "Author": "",
                "Result": f"FAILED ({self.system}): {self.cause}"}  # fmt: skip


@dataclass
class BridgeResult:
    mirrored: list[Mirrored] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failed: list[Failed] = field(default_factory=list)
    skipped: list[Failed] = field(default_factory=list)  # gave up in an earlier run: not tried again
    withheld: list[Withheld] = field(default_factory=list)  # restricted in Jira: never sent to Intercom
    examined: int = 0  # linked conversations fetched and compared
    unchanged: int = 0  # linked conversations skipped: nothing new on either side since the last run
    cursor_before: int | None = None
    cursor_after: int | None = None

    @property
    def failures(self) -> list[str]:
        return [f.describe() for f in self.failed]

    def count(self, direction: str) -> int:
        return sum(1 for m in self.mirrored if m.direction == direction)

    def withheld_by_reason(self) -> Counter[str]:
        return Counter(w.reason for w in self.withheld)
