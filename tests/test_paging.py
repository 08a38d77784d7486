"""The page loop of every paging style, its loop guard, and every connector using it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from connectors.intercom import IntercomConnector
from connectors.jira import JiraConnector
from connectors.jira_comments import JiraComments
from connectors.paging import PageLoopError, cursor_pages, offset_pages, token_pages

FIELDS = {"sprint_field": "customfield_1", "start_date_field": "customfield_2"}  # no /field request
ITEMS = [{"key": f"K-{n}"} for n in range(7)]


def token_server(repeat_at: int | None = None) -> tuple[list[dict[str, Any]], Any]:
    """Cloud enhanced search over ITEMS, 3 a page; `repeat_at`: that page hands back the first token."""
    bodies: list[dict[str, Any]] = []

    def post(body: dict[str, Any]) -> Mapping[str, Any]:
        bodies.append(body)
        start = int(body.get("nextPageToken", "t0")[1:])
        number = start // 3
        last = start + 3 >= len(ITEMS)
        token = "t3" if number == repeat_at else f"t{start + 3}"
        page: dict[str, Any] = {"issues": ITEMS[start : start + 3], "isLast": last}
        return page if last else page | {"nextPageToken": token}

    return bodies, post


def test_token_pages_follow_next_page_token_until_is_last() -> None:
    bodies, post = token_server()
    got = [item for page in token_pages("Jira", "POST /search", post, {"jql": "x"}) for item in page]
    assert got == ITEMS
    assert [b.get("nextPageToken") for b in bodies] == [None, "t3", "t6"]


def test_token_pages_refuse_a_token_sent_twice_naming_system_and_endpoint() -> None:
    _, post = token_server(repeat_at=1)  # page 2 points back at itself
    pages = token_pages("Jira", "POST /rest/api/3/search/jql", post, {"jql": "x"})
    with pytest.raises(PageLoopError) as error:
        list(pages)
    message = str(error.value)
    assert message.startswith("Jira: POST /rest/api/3/search/jql led back to nextPageToken 't3'")


def offset_server(total: int = 7, echo: bool = True) -> tuple[list[int], Any]:
    asked: list[int] = []

    def fetch(start: int) -> Mapping[str, Any]:
        asked.append(start)
        answered = start if echo else 0  # a server ignoring startAt answers the first page again
        return {"startAt": answered, "total": total, "comments": ITEMS[answered : answered + 3]}

    return asked, fetch


def test_offset_pages_advance_by_what_came_back_until_total() -> None:
    asked, fetch = offset_server()
    got = [item for page in offset_pages("Jira", "GET /comment", fetch, "comments") for item in page]
    assert got == ITEMS and asked == [0, 3, 6]


def test_offset_pages_stop_on_an_empty_page_even_below_total() -> None:
    asked, fetch = offset_server(total=50)
    got = [item for page in offset_pages("Jira", "GET /comment", fetch, "comments") for item in page]
    assert got == ITEMS and asked == [0, 3, 6, 7]


def test_offset_pages_refuse_a_server_that_ignores_start_at() -> None:
    _, fetch = offset_server(echo=False)
    with pytest.raises(PageLoopError, match=r"^Jira: GET /rest/api/2/search led back to startAt 3"):
        list(offset_pages("Jira", "GET /rest/api/2/search", fetch, "comments"))


def cursor_server(repeat: bool = False) -> tuple[list[str | None], Any]:
    asked: list[str | None] = []

    def fetch(cursor: str | None) -> Mapping[str, Any]:
        asked.append(cursor)
        start = int(cursor[1:]) if cursor else 0
        after = start + 3
        following = "c3" if repeat and cursor else f"c{after}"
        nxt = {"next": {"starting_after": following}} if after < len(ITEMS) else {}
        return {"conversations": ITEMS[start:after], "pages": nxt}

    return asked, fetch


def next_cursor(page: Mapping[str, Any]) -> str | None:
    return ((page.get("pages") or {}).get("next") or {}).get("starting_after")


def test_cursor_pages_follow_starting_after_until_there_is_none() -> None:
    asked, fetch = cursor_server()
    got = [
        i for page in cursor_pages("Intercom", "POST /s", fetch, "conversations", next_cursor) for i in page
    ]
    assert got == ITEMS and asked == [None, "c3", "c6"]


def test_cursor_pages_refuse_a_cursor_sent_twice() -> None:
    _, fetch = cursor_server(repeat=True)
    pages = cursor_pages("Intercom", "POST /conversations/search", fetch, "conversations", next_cursor)
    with pytest.raises(
        PageLoopError, match=r"^Intercom: POST /conversations/search led back to starting_after 'c3'"
    ):
        list(pages)


# ---- every connector pages through the guarded loop ------------------------------------------------


def test_jira_cloud_search_stops_on_a_repeated_token(monkeypatch: pytest.MonkeyPatch) -> None:
    jira = JiraConnector(
        "https://jira.example", email="a@b.c", api_token="t", sprint_field="s", start_date_field="d"
    )
    answers = {"/rest/api/2/serverInfo": {"deploymentType": "Cloud"}}
    monkeypatch.setattr(jira.client, "get_json", lambda path, **_: answers[path])
    monkeypatch.setattr(jira.client, "post_json", lambda path, json: {"issues": [], "nextPageToken": "same"})
    with pytest.raises(
        PageLoopError, match=r"^Jira: POST /rest/api/3/search/jql led back to nextPageToken 'same'"
    ):
        jira.search_issues("project = A")


def test_jira_data_center_search_stops_when_start_at_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    jira = JiraConnector("https://jira.example", pat="p", **FIELDS)
    answers = {"/rest/api/2/serverInfo": {"deploymentType": "DataCenter"}}
    page = {"startAt": 0, "total": 5, "issues": [{"key": "A-1", "fields": {}}, {"key": "A-2", "fields": {}}]}
    monkeypatch.setattr(jira.client, "get_json", lambda path, **_: answers[path])
    monkeypatch.setattr(jira.client, "post_json", lambda path, json: page)
    with pytest.raises(PageLoopError, match=r"^Jira: POST /rest/api/2/search led back to startAt 2"):
        jira.search_issues("project = A")


def test_jira_comments_stop_when_start_at_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    comments = JiraComments("https://jira.example", pat="p")
    page = {"startAt": 0, "total": 9, "comments": [{"id": "1"}]}
    answers: dict[str, Any] = {"/rest/api/2/serverInfo": {"deploymentType": "DataCenter"}}
    monkeypatch.setattr(comments.client, "get_json", lambda path, **_: answers.get(path, page))
    with pytest.raises(
        PageLoopError, match=r"^Jira: GET /rest/api/2/issue/A-1/comment led back to startAt 1"
    ):
        comments.comments("A-1")


def test_intercom_search_stops_on_a_repeated_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    intercom = IntercomConnector("tok-paging-test", base_url="https://api.intercom.example")
    page = {"conversations": [], "pages": {"next": {"starting_after": "WzE3MDBd"}}}
    monkeypatch.setattr(intercom.client, "post_json", lambda path, body: page)
    search = intercom.search_pages({"field": "updated_at", "operator": ">", "value": 0})
    with pytest.raises(
        PageLoopError, match=r"^Intercom: POST /conversations/search led back to starting_after"
    ):
        list(search)
