"""Session tokens: temporary credentials (STS's AssumeRole, GetSessionToken) carry one, which
every S3 request signed with them must present; long-term keys carry none.

This module imports only the standard library, errors and the users.
"""
from __future__ import annotations

import hmac
from datetime import datetime

from ..errors import ExpiredToken, InvalidAccessKeyId, InvalidToken
from .users import User


def check_token(user: User, token: str | None, now: datetime) -> None:
    """S3's answer to the token a request presents (``x-amz-security-token``, or the
    presigned URL's or POST form's field) for ``user``'s credentials: a long-term key with one
    is InvalidToken; temporary credentials without one name no key S3 knows
    (InvalidAccessKeyId), with a wrong one are InvalidToken, and once the clock passes their
    expiry ExpiredToken."""
    session = user.session
    if session is None:
        if token:
            raise InvalidToken()
        return
    if not token:                    # the key alone names no credentials S3 knows
        raise InvalidAccessKeyId(AWSAccessKeyId=user.access_key)
    if not hmac.compare_digest(token, session.token):
        raise InvalidToken()
    if now >= session.expires:
        raise ExpiredToken()
