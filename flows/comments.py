"""Prefect flow `sync_comments`: the Jira ↔ Intercom comment bridge.

The logic is in `flows.comments_bridge`, the cursor in `flows.comments_cursor`, the connectors come
from `flows.clients`; this module wires them into a flow, a report and its artifacts.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from prefect import flow, get_run_logger
from prefect.states import State

from connectors.redaction import masking_errors
from flows.artifacts import publish_run_artifacts
from flows.clients import intercom_connector, jira_comments, require
from flows.comments_bridge import MAX_ATTEMPTS, TO_INTERCOM, TO_JIRA, Bridge, BridgeResult
from flows.comments_cursor import cursor_store
from flows.config import config_path as resolve_config_path
from flows.config import load_config
from flows.deployments import not_configured_state
from flows.report import RunReport

FLOW_NAME = "sync_comments"


@flow(name=FLOW_NAME)
@masking_errors
def sync_comments(
    config_path: str | None = None, dry_run: bool = False, today: str | None = None
) -> RunReport | State:
    """Mirror Jira comments to Intercom notes and Intercom admin notes to Jira comments, once each."""
    config = load_config(config_path)
    if (not_configured := not_configured_state("comments", config, config_path)) is not None:
        return not_configured
    settings = require(config.intercom, "intercom")
    log = get_run_logger()
    bridge = Bridge(
        intercom_connector(config),
        jira_comments(config),
        link_attribute=settings.link_attribute,
        note_tag=settings.note_tag,
        initial_lookback_s=settings.initial_lookback_days * 86400,
        allowed_security_levels=settings.mirror_security_levels,
        dry_run=dry_run,
        log=log,
    )
    result = bridge.run(cursor_store(config, resolve_config_path(config_path)))
    report = bridge_report(result, dry_run, date.fromisoformat(today) if today else config.now().date())
    publish_run_artifacts(FLOW_NAME, summary_md=comment_bridge_markdown(report), table=report.table, links={})
    if result.failed:
        raise CommentBridgeFailed(
            f"{len(result.failed)} item(s) not mirrored (the others were): "
            + "; ".join(result.failures)
            + ". Fix the cause (`opsheets check` tests the bridge's settings) and run again; the next run "
            "tries them again."
        )
    return report


class CommentBridgeFailed(RuntimeError):
    """Some items could not be mirrored; the message names each one, its system and the reason."""


def bridge_report(result: BridgeResult, dry_run: bool, today: date) -> RunReport:
    verb = "would mirror" if dry_run else "mirrored"
    report = RunReport(flow=FLOW_NAME, dry_run=dry_run)
    report.summary = [
        f"{today.isoformat()}: {verb} {result.count(TO_INTERCOM)} Jira comment(s) as Intercom notes",
        f"{verb} {result.count(TO_JIRA)} Intercom note(s) as Jira comments",
        f"{result.examined} linked conversation(s) compared, {result.unchanged} unchanged since the last run",
    ]
    kinds = Counter(m.kind for m in result.mirrored)
    if kinds["edited"] or kinds["deleted"]:
        report.summary.append(f"of these, {kinds['edited']} carried an edit and {kinds['deleted']} marked a "
                              "deleted or redacted source")  # fmt: skip
    if result.withheld:
        reasons = ", ".join(f"{n} {reason}" for reason, n in sorted(result.withheld_by_reason().items()))
        report.summary.append(f"withheld {len(result.withheld)} Jira comment(s) from Intercom: {reasons}")
    if result.failed:
        report.summary.insert(0, f"FAILED: {len(result.failed)} item(s) could not be mirrored (listed below)")
    if result.skipped:
        report.summary.insert(0, f"PARTIAL: {len(result.skipped)} item(s) left out, refused {MAX_ATTEMPTS} "
                                 "times (tried again when their source changes)")  # fmt: skip
        report.partial = [f.describe() for f in result.skipped]
    report.table = [f.row() for f in result.failed] + [m.row() for m in result.mirrored]
    report.warnings = list(result.warnings)
    report.failures = list(result.failures)
    return report


def comment_bridge_markdown(report: RunReport) -> str:
    """The run summary plus one line per mirrored item (also what `opsheets demo` writes)."""
    lines = [report.markdown().rstrip(), "", "## Mirrored", ""]
    if not report.table:
        lines.append("Nothing to mirror.")
    else:
        columns = list(report.table[0])
        lines += ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += [
            "| " + " | ".join(str(row[c]).replace("|", "\\|") for c in columns) + " |" for row in report.table
        ]
    return "\n".join(lines) + "\n"
