"""Child process of the crash-safety test: runs one flow against a config, to be SIGKILLed mid-run.

    python -m tests.reliability.crash_runner <availability|budgets> <config path> <today>

Prints "ready" once the imports are done and waits for a line on stdin before running, so the
parent can start the next child early and time its kill from the start of the flow itself.
"""

from __future__ import annotations

import sys


def main() -> None:
    flow, config_path, today = sys.argv[1:4]
    from tests.reliability.scenario import FLOWS  # the slow imports, before "ready"

    print("ready", flush=True)
    sys.stdin.readline()
    FLOWS[flow](config_path=config_path, today=today)
    print("done", flush=True)


if __name__ == "__main__":
    main()
