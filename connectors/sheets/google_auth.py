"""Google access tokens under the shared policy.

google-auth asks the token endpoint (oauth2.googleapis.com) through a session of its own, with
urllib3 retries, a 120 s timeout and a `TransportError` when the endpoint cannot be reached. Here
that session carries the shared policy instead: the same timeouts, retries and named errors
(`UnreachableError`, `RetriesExhaustedError`) as every other request, and the same redaction.
"""

from __future__ import annotations

from typing import Any

import requests
from google.auth.credentials import Credentials
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import AuthorizedSession, Request

from connectors.errors import AuthError
from connectors.http import RetryPolicy, mount_policy

SYSTEM = "Google Sheets"
KEY_HINT = "check GOOGLE_APPLICATION_CREDENTIALS; the service-account key may have been deleted or disabled"


TOKEN_URL_SOURCE = "the key's token_uri (Google's is https://oauth2.googleapis.com/token)"


class PolicyTokenRequest(Request):
    """google-auth's transport on a session under the policy; its own 120 s default timeout is
    dropped so the policy's timeouts apply."""

    def __call__(self, url: str, method: str = "GET", body: Any = None, headers: Any = None,
                 timeout: Any = None, **kwargs: Any) -> Any:  # fmt: skip
        return super().__call__(url, method=method, body=body, headers=headers, timeout=None, **kwargs)


def token_request(policy: RetryPolicy) -> PolicyTokenRequest:
    session = requests.Session()
    mount_policy(session, SYSTEM, policy, url_source=TOKEN_URL_SOURCE)
    return PolicyTokenRequest(session)


def authorized_session(credentials: Credentials, policy: RetryPolicy) -> AuthorizedSession:
    """A session that adds the access token to each request and gets it under the policy."""
    return AuthorizedSession(credentials, auth_request=token_request(policy))


def fetch_token(credentials: Credentials, policy: RetryPolicy) -> None:
    """Get an access token now, as the first Sheets call would: proves the key and that the token
    endpoint answers. AuthError when Google refuses the key; ApiError when it cannot be reached."""
    try:
        credentials.refresh(token_request(policy))
    except RefreshError as error:
        raise AuthError(SYSTEM, f"no access token ({error}) — {KEY_HINT}") from None
