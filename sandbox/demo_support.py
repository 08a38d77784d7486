"""The support half of the demo organisation: Intercom admins and conversations, Jira issue comments.

Uses its own random generator (seeded from the dataset seed) so adding it left every other part
of the dataset exactly as it was. Conversations are linked to issues through the custom attribute
`jira_issue_key`; the first ones pin the shapes the comment bridge must survive: a link to an issue
that does not exist, a conversation without the attribute, one with it blank.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

LINK_ATTRIBUTE = "jira_issue_key"
BRIDGE_ADMIN = {"id": "7001", "name": "Jira Bridge (opsheets)", "email": "jira-bridge@demo-org.example"}
_AGENTS = (("7002", "Sam Rivera"), ("7003", "Noor Haddad"), ("7004", "Lee Park"))
_CUSTOMERS = ("Avery Stone", "Jordan Blake", "Riley Chen", "Casey Novak", "Morgan Ortiz", "Quinn Adler")
_PROBLEMS = (
    "the invoice export times out", "I can't log in with SSO since this morning", "webhooks arrive twice",
    "the CSV import drops the last row", "search shows archived projects", "push notifications stopped",
)  # fmt: skip
_NOTES = (
    "<p>Reproduced on the customer's workspace.<br>Happens only with more than 500 rows.</p>",
    '<p>#jira Customer confirms the workaround from <a href="https://help.demo-org.example/kb/42">KB 42</a>'
    " helps for now.</p>",
    "<p>Steps the customer took:</p><ol><li>Open settings</li><li>Click <b>Export</b></li>"
    "<li>Wait a minute</li></ol>",
    "<p>#jira Log excerpt:</p><pre><code>ERROR export: timeout after 30s\nretrying (2/3)</code></pre>",
    "<p>Customer is on the Enterprise plan; affected users:</p>"
    "<ul><li>finance team</li><li>two admins</li></ul>",
    "<p>Asked the customer for a HAR file, will attach when it arrives.</p>",
)
_COMMENTS: tuple[list[dict[str, Any]], ...] = (
    [{"type": "paragraph", "content": [{"type": "text", "text": "Looking into this today."}]}],
    [
        {"type": "paragraph", "content": [{"type": "text", "text": "Root cause: the query has no index on "},
                                          {"type": "text", "text": "created_at", "marks": [{"type": "code"}]},
                                          {"type": "text", "text": "."}]},
        {"type": "paragraph", "content": [{"type": "text", "text": "Fix is in review."},
                                          {"type": "hardBreak"},
                                          {"type": "text", "text": "ETA: next release."}]},
    ],
    [
        {"type": "paragraph", "content": [{"type": "text", "text": "Workaround for support:"}]},
        {"type": "bulletList", "content": [
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "export in smaller batches"}]}]},
            {"type": "listItem", "content": [{"type": "paragraph", "content": [
                {"type": "text", "text": "see "},
                {"type": "text", "text": "the runbook",
                 "marks": [{"type": "link", "attrs": {"href": "https://wiki.demo-org.example/runbook"}}]}]}]},
        ]},
    ],
    [
        {"type": "paragraph", "content": [{"type": "text",
                                           "text": "Deployed the fix, please ask them to retry:"}]},
        {"type": "codeBlock", "content": [{"type": "text", "text": "curl -X POST /api/export?retry=true"}]},
    ],
)  # fmt: skip


def generate_support(
    seed: int, today: date, jira: dict[str, Any], conversations: int, commented_issues: int | None = None
) -> dict[str, Any]:
    """Add `comments` to Jira issues (in place) and return the dataset's `intercom` part."""
    if conversations < 0:
        raise ValueError(f"conversations must not be negative (got {conversations})")
    rng = random.Random(f"{seed}:support")
    issues = jira["issues"]
    authors = [u["accountId"] for u in jira["users"]]
    midnight = datetime.combine(today, datetime.min.time(), tzinfo=UTC)
    specials = ["missing", "unlinked", "blank"][:conversations]
    linked = rng.sample(issues, min(len(issues), conversations - len(specials)))
    extra = commented_issues if commented_issues is not None else len(issues) // 10
    others = [i for i in issues if i not in linked]
    for issue in linked + rng.sample(others, min(len(others), extra)):
        issue["comments"] = [_comment(rng, authors, midnight) for _ in range(rng.randint(1, 3))]
        issue["comments"].sort(key=lambda c: c["created"])
    _number_comments(issues)
    missing_key = f"{jira['projects'][0]['key']}-{len(issues) + 9000}" if jira["projects"] else "NONE-1"
    links = [missing_key, None, ""][: len(specials)] + [issue["key"] for issue in linked]
    part_ids = iter(range(50001, 10**9))
    return {
        "admins": [BRIDGE_ADMIN] + [{"id": i, "name": n, "email": _email(n)} for i, n in _AGENTS],
        "conversations": [
            _conversation(rng, 2001 + n, link, midnight, part_ids) for n, link in enumerate(links)
        ],
    }


def _comment(rng: random.Random, authors: list[str], midnight: datetime) -> dict[str, Any]:
    created = midnight - timedelta(days=rng.randrange(1, 15), hours=rng.randrange(0, 9))
    return {
        "id": "",
        "author": rng.choice(authors) if authors else None,
        "created": created.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
        "body": {"type": "doc", "version": 1, "content": rng.choice(_COMMENTS)},
    }


def _number_comments(issues: list[dict[str, Any]]) -> None:
    number = 10000
    for issue in issues:  # ids in issue order, as a real site would have them
        for comment in issue.get("comments", []):
            number += 1
            comment["id"] = str(number)


def _conversation(
    rng: random.Random, number: int, link: str | None, midnight: datetime, part_ids: Any
) -> dict[str, Any]:
    customer = rng.choice(_CUSTOMERS)
    contact = {"id": f"6762f1{number:06d}", "name": customer, "email": _email(customer, "customer.example")}
    start = int((midnight - timedelta(days=rng.randrange(2, 20), hours=rng.randrange(0, 8))).timestamp())
    agent_id, _ = rng.choice(_AGENTS)
    parts = [_part(next(part_ids), "comment", {"type": "user", "id": contact["id"]},
                   f"<p>Hi, {rng.choice(_PROBLEMS)}.</p>", start),
             _part(next(part_ids), "comment", {"type": "admin", "id": agent_id},
                   "<p>Thanks for reaching out, we're on it.</p>", start + 600)]  # fmt: skip
    at = start + 1800
    for note in rng.sample(_NOTES, rng.randint(1, 3)):
        parts.append(_part(next(part_ids), "note", {"type": "admin", "id": agent_id}, note, at))
        at += rng.randrange(600, 7200)
    parts.append(_part(next(part_ids), "comment", {"type": "user", "id": contact["id"]},
                       "<p>Any news on this?</p>", at))  # fmt: skip
    conversation: dict[str, Any] = {
        "id": str(number),
        "created_at": start,
        "updated_at": at,
        "title": None,
        "state": "open",
        "admin_assignee_id": int(agent_id),
        "contact": contact,
        "custom_attributes": {} if link is None else {LINK_ATTRIBUTE: link},
        "parts": parts,
    }
    return conversation


def _part(part_id: int, part_type: str, author: dict[str, str], body: str, at: int) -> dict[str, Any]:
    return {"id": str(part_id), "part_type": part_type, "author": author, "body": body, "created_at": at}


def _email(name: str, domain: str = "demo-org.example") -> str:
    return name.lower().replace(" ", ".") + "@" + domain
