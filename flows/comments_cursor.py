"""Where the comment bridge keeps its state.

The state (`BridgeState`): the Intercom cursor — the latest `updated_at` Intercom itself stamped
on a conversation the bridge has seen, never the host's clock —, one fingerprint per linked
conversation (its `updated_at` and its issue's comment ids and `updated` times, all the services'
own values), and how often each item has failed for good. It is kept in a Prefect Variable when a
Prefect API is configured, else in a JSON file next to the config; its name carries a hash of the
Intercom and Jira URLs, so a bridge pointed elsewhere never reuses it. Losing it costs requests
and resets the retry counts, never a duplicate: the markers decide what gets posted. Prefect is
imported only when a Variable is used, so the bridge runs (and is tested) without it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from connectors.local_files import write_private
from flows.clients import require
from flows.config import Config

CURSOR_PREFIX = "opsheets-comments-cursor"


def cursor_name(config: Config) -> str:
    intercom, jira = require(config.intercom, "intercom"), require(config.jira, "jira")
    target = f"{intercom.base_url}|{jira.url}|{intercom.link_attribute}"
    return f"{CURSOR_PREFIX}-{hashlib.sha256(target.encode()).hexdigest()[:12]}"


@dataclass
class BridgeState:
    updated_since: int | None = None  # Intercom's updated_at of the latest conversation seen
    seen: dict[str, str] = field(default_factory=dict)  # conversation id -> fingerprint when compared
    attempts: dict[str, int] = field(default_factory=dict)  # item (and version) -> refusals so far

    def as_json(self) -> dict[str, object]:
        return {"updated_since": self.updated_since, "seen": self.seen, "attempts": self.attempts}

    @classmethod
    def from_json(cls, value: object) -> BridgeState | None:
        if not isinstance(value, dict) or not isinstance(value.get("updated_since"), int):
            return None  # an older or damaged state: start from scratch (the markers prevent duplicates)
        seen, attempts = value.get("seen"), value.get("attempts")
        return cls(
            value["updated_since"],
            {str(k): str(v) for k, v in seen.items()} if isinstance(seen, dict) else {},
            {str(k): int(v) for k, v in attempts.items() if isinstance(v, int)}
            if isinstance(attempts, dict)
            else {},
        )


@dataclass
class FileCursor:
    path: Path

    def load(self) -> BridgeState | None:
        try:
            return BridgeState.from_json(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return None

    def save(self, state: BridgeState) -> None:
        write_private(self.path, json.dumps(state.as_json()))


@dataclass
class VariableCursor:
    name: str

    def load(self) -> BridgeState | None:
        from prefect.variables import Variable

        return BridgeState.from_json(Variable.get(self.name, default=None))

    def save(self, state: BridgeState) -> None:
        from prefect.types import MAX_VARIABLE_VALUE_LENGTH
        from prefect.variables import Variable

        value = state.as_json()
        seen = dict(state.seen)
        while len(json.dumps(value)) >= MAX_VARIABLE_VALUE_LENGTH and seen:
            # fingerprints only save requests; the cursor and the retry counts must stay
            for key in list(seen)[: max(1, len(seen) // 4)]:
                del seen[key]
            value["seen"] = seen
        Variable.set(self.name, value, overwrite=True)


def cursor_store(config: Config, config_file: Path) -> FileCursor | VariableCursor:
    from prefect.settings import PREFECT_API_URL

    name = cursor_name(config)
    if PREFECT_API_URL.value():
        return VariableCursor(name)
    return FileCursor(config_file.resolve().parent / f".{name}.json")
