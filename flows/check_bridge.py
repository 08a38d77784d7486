"""`opsheets check` for the comment bridge: its own settings against the live systems.

Reaching Intercom and Jira is not enough for the bridge to work: the admin it writes notes as must
exist and hold an inbox seat (Intercom refuses a note from anyone else with a 400 per item), the
link attribute must be a conversation attribute (else no conversation is ever linked), and the
Jira account must be allowed to add comments and edit its own (edits travel by updating the
copies it wrote) in every configured project.
"""

from __future__ import annotations

from collections.abc import Callable

from connectors.errors import ApiError, NotFoundError
from flows.clients import intercom_connector, jira_comments, require
from flows.config import Config


def bridge_probes(config: Config, probe: Callable[..., object]) -> list:
    """The bridge's probes, built with `probe(check, ok, detail, fix)` (flows.check.Probe)."""
    settings = config.intercom
    if settings is None:
        return []
    results = [_admin_probe(config, probe), _attribute_probe(config, probe)]
    if config.jira is not None:
        results += _permission_probes(config, probe)
    return results


def _admin_probe(config: Config, probe: Callable[..., object]) -> object:
    check = "bridge: Intercom admin"
    connector = intercom_connector(config)
    try:
        admin_id = connector.admin_id()
        admin = connector.admin(admin_id)
    except NotFoundError:
        return probe(
            check,
            False,
            f"admin {require(config.intercom, 'intercom').admin_id} does not exist in this workspace",
            "set intercom.admin_id to an admin listed by GET /admins (or remove it to write as "
            "the admin the access token belongs to)",
        )
    except ApiError as exc:
        return probe(check, False, str(exc), "check intercom.admin_id and the access token")
    finally:
        connector.client.session.close()
    if admin.get("has_inbox_seat") is False:
        return probe(
            check,
            False,
            f"admin {admin_id} ({admin.get('name')}) has no inbox seat and cannot write notes",
            "give the admin an inbox seat, or choose another admin_id",
        )
    return probe(check, True, f"notes are written as {admin.get('name') or admin_id} (admin {admin_id})")


def _attribute_probe(config: Config, probe: Callable[..., object]) -> object:
    name = require(config.intercom, "intercom").link_attribute
    check = "bridge: link attribute"
    connector = intercom_connector(config)
    try:
        names = connector.conversation_attributes()
    except ApiError as exc:
        return probe(check, False, str(exc), "the access token needs read access to data attributes")
    finally:
        connector.client.session.close()
    if name not in names:
        return probe(
            check,
            False,
            f"no conversation attribute named {name!r} (found: {', '.join(sorted(names)[:8]) or 'none'})",
            f"create the conversation attribute {name!r} (Settings → Data → Conversations) or set "
            "intercom.link_attribute to the one support uses",
        )
    return probe(check, True, f"conversations link to Jira issues through {name!r}")


def _permission_probes(config: Config, probe: Callable[..., object]) -> list:
    jira = jira_comments(config)
    results = []
    try:
        projects: list[str | None] = list(require(config.jira, "jira").projects) or [None]
        for project in projects:  # no projects configured (a JQL only): Jira's answer for any project
            check = f"bridge: Jira comments in {project or 'any project'}"
            try:
                granted = jira.can_comment(project)
            except ApiError as exc:
                results.append(probe(check, False, str(exc), "check jira.projects and the Jira account"))
                continue
            missing = [key for key, ok in granted.items() if not ok]
            if missing:
                results.append(
                    probe(
                        check,
                        False,
                        f"the Jira account lacks {', '.join(missing)} in {project or 'every project'}",
                        "grant the account Add Comments and Edit Own Comments in the project's "
                        "permission scheme",
                    )
                )
            else:
                results.append(probe(check, True, "the account may add comments and edit its own"))
    finally:
        jira.client.session.close()
    return results
