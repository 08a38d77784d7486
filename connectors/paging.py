"""The one page loop every connector uses, for each paging style its APIs speak.

A page says what it holds and where the next one starts: an opaque token (Jira Cloud's
`nextPageToken`), an offset (Jira Data Center's `startAt`, counted from the `startAt` the server
says it answered, so a server that ignores the one asked for is noticed), or a cursor (Intercom's
`pages.next.starting_after`). `pages` follows them and refuses to go where it has been: a server
that hands back a position it already gave would otherwise be asked the same page forever.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from connectors.errors import FatalAPIError


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next: Hashable | None  # where the next page starts; None: this page is the last


class PageLoopError(FatalAPIError):
    """The server sent a page position it had already sent: following it would never end."""


def pages(
    system: str, endpoint: str, what: str, fetch: Callable[[Any], Page], first: Hashable | None = None
) -> Iterator[list[Any]]:
    """Each page's items, `fetch(position)` from `first` on, until a page has no next position.

    `what` names the position in the server's own words (e.g. "nextPageToken") for the error."""
    position, seen = first, {first}
    while True:
        page = fetch(position)
        yield page.items
        if page.next is None:
            return
        if page.next in seen:
            raise PageLoopError(
                system,
                f"{endpoint} led back to {what} {page.next!r}, a page already read; stopped paging to "
                f"avoid an endless loop. The server's paging is broken: try again later, or report it "
                f"to the {system} admin",
            )
        seen.add(page.next)
        position = page.next


def token_pages(
    system: str,
    endpoint: str,
    post: Callable[[dict[str, Any]], Mapping[str, Any]],
    body: dict[str, Any],
    items_key: str = "issues",
) -> Iterator[list[Any]]:
    """Opaque-token paging (Jira Cloud enhanced search): follow `nextPageToken` until `isLast`."""

    def fetch(token: str | None) -> Page:
        page = post(body | {"nextPageToken": token} if token else body)
        token = page.get("nextPageToken")
        return Page(list(page.get(items_key, [])), None if page.get("isLast") or not token else token)

    return pages(system, endpoint, "nextPageToken", fetch)


def offset_pages(
    system: str, endpoint: str, fetch: Callable[[int], Mapping[str, Any]], items_key: str
) -> Iterator[list[Any]]:
    """`startAt` paging (Jira Data Center search, worklogs, comments): the next page starts after the
    items of this one, counted from the `startAt` the server answered for, until `total`."""

    def page_at(start: int) -> Page:
        page = fetch(start)
        items = list(page.get(items_key, []))
        answered = page.get("startAt")
        after = (answered if isinstance(answered, int) else start) + len(items)
        return Page(items, after if items and after < int(page.get("total", 0)) else None)

    return pages(system, endpoint, "startAt", page_at, first=0)


def cursor_pages(
    system: str,
    endpoint: str,
    fetch: Callable[[str | None], Mapping[str, Any]],
    items_key: str,
    cursor: Callable[[Mapping[str, Any]], str | None],
) -> Iterator[list[Any]]:
    """Cursor paging (Intercom's `starting_after`): ask from the cursor the last page gave, until none."""

    def page_after(position: str | None) -> Page:
        page = fetch(position)
        return Page(list(page.get(items_key, [])), cursor(page) or None)

    return pages(system, endpoint, "starting_after", page_after)
