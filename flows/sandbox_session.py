"""`opsheets sandbox`: the four stand-ins on loopback until Ctrl-C, so the operator's side (check, run,
serve, prefect deploy and a worker) can be tried without an account.

It serves the demo organisation or a dataset file (docs/dataset.md), writes an opsheets.yaml that
points at the stand-ins and a `sandbox.env` with the demo secrets that config names, and removes
both when it stops: a config left behind would point at closed ports.
"""

from __future__ import annotations

import json
import shlex
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from connectors.local_files import write_private
from flows.config import ConfigError
from flows.sandbox_env import CONFIG_HEADER, SANDBOX_SECRETS, SandboxEnvironment, sandbox_environment

ENV_FILE = "sandbox.env"
SERVICE_NAMES = {
    "jira": "Jira",
    "bamboohr": "BambooHR",
    "intercom": "Intercom",
    "sheets": "Google Sheets",
    "drive": "Google Drive",
}


def load_dataset(path: Path | None, today: date) -> dict[str, Any]:
    """The demo organisation as of `today`, or the file's; a bad file is a ConfigError naming it."""
    from sandbox.demo_org import generate, load

    if path is None:
        return generate(today=today)
    try:
        return load(path)
    except FileNotFoundError:
        raise ConfigError(f"{path}: dataset file not found; check the path given to --dataset") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON ({exc}); docs/dataset.md describes the layout") from None
    except ValueError as exc:  # a wrong schema version or a missing top-level part
        raise ConfigError(str(exc)) from None


def claim_config(path: Path) -> None:
    """Refuse to overwrite a config someone wrote: only one this sandbox wrote may be replaced."""
    if path.exists() and not path.read_text(encoding="utf-8", errors="replace").startswith(CONFIG_HEADER):
        raise ConfigError(
            f"{path} exists and was not written by the sandbox: not overwriting it. Fix: pass "
            f"--config another path (e.g. out/sandbox/opsheets.yaml), or move the file away"
        )


def env_file_text() -> str:
    lines = ["# Demo secrets for the sandbox's opsheets.yaml: source this file in each shell you use."]
    lines += [f"export {name}={shlex.quote(value)}" for name, value in SANDBOX_SECRETS.items()]
    return "\n".join(lines) + "\n"


@contextmanager
def sandbox_session(
    dataset: dict[str, Any],
    config: Path,
    out: Path,
    sheets: Literal["google", "workbook"],
    provision: bool = False,
) -> Iterator[SandboxEnvironment]:
    """The stand-ins, the config and the env file, for as long as the block runs; both files removed
    after, whatever ends it. `provision`: a Drive stand-in too, and budgets.provision in the config."""
    config, out = config.resolve(), out.resolve()
    claim_config(config)
    env_file = out / ENV_FILE
    try:
        with sandbox_environment(dataset, out, sheets=sheets, config_path=config, provision=provision) as env:
            write_private(env_file, env_file_text())  # last: its presence means everything is up
            yield env
    finally:
        env_file.unlink(missing_ok=True)
        config.unlink(missing_ok=True)


def instructions(env: SandboxEnvironment, out: Path) -> list[str]:
    config, env_file = env.config_path, out.resolve() / ENV_FILE
    option = "" if config == Path("opsheets.yaml").resolve() else f" --config {config}"
    lines = ["sandbox up on loopback (Ctrl-C stops it and removes the config):"]
    lines += [f"  {SERVICE_NAMES[name]:<14} {service.url}" for name, service in env.services.items()]
    lines += [
        f"config: {config}",
        f"demo secrets: {env_file}",
        "",
        "In another shell, from this directory:",
        f"  source .venv/bin/activate && source {env_file}",
        f"  opsheets check{option}",
        f"  opsheets run budgets{option} --dry-run",
        f"  opsheets run availability{option}",
        f"  opsheets serve{option}",
    ]
    return lines


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def wait_until_stopped() -> None:
    """Until Ctrl-C, INT or TERM (a service manager, a test): each ends the block cleanly. INT is handled
    here too because a shell starts a background job (`opsheets sandbox &`) with INT ignored."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = {number: signal.signal(number, stop) for number in STOP_SIGNALS}
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def run_sandbox(
    dataset_file: Path | None,
    config: Path,
    out: Path,
    sheets: Literal["google", "workbook"],
    say: Callable[[str], None],
    provision: bool = False,
) -> None:
    dataset = load_dataset(dataset_file, date.today())
    with sandbox_session(dataset, config, out, sheets, provision) as env:
        for line in instructions(env, out):
            say(line)
        wait_until_stopped()
    say(f"sandbox stopped; removed {config}")
