"""The write authorizer: an API Gateway Lambda REQUEST authorizer in front of every write route.

It allows a request whose ``Authorization: Bearer <key>`` names a known, unrevoked key and
otherwise answers ``Unauthorized``, which API Gateway turns into its 401 gateway response
(problem+json with ``WWW-Authenticate: Bearer``). The policy it returns covers the whole API
stage, so API Gateway's result cache can reuse it for the key's next writes on any route.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from contentfeed.config import get_settings
from contentfeed.dal import Store
from contentfeed.http.request import header
from contentfeed.logic.keys import bearer_token, hash_key, is_valid_key

logger = Logger()

UNAUTHORIZED = "Unauthorized"
"""The exact message API Gateway maps to 401 (any other failure becomes a 500)."""


@lru_cache(maxsize=1)
def get_store() -> Store:
    settings = get_settings()
    return Store(settings.table_name, endpoint_url=settings.dynamodb_endpoint_url)


def stage_wide(method_arn: str) -> str:
    """``arn:…:api-id/stage/METHOD/path`` → ``arn:…:api-id/stage/*/*``."""
    api, _, rest = method_arn.partition("/")
    stage = rest.split("/", 1)[0]
    return f"{api}/{stage}/*/*"


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    authorization = header(event, "Authorization")
    if not is_valid_key(get_store(), authorization):
        logger.info(
            "write refused", reason="missing" if authorization is None else "unknown or revoked key"
        )
        raise PermissionError(UNAUTHORIZED)
    token = bearer_token(authorization) or ""
    principal = hash_key(token)[:16]  # identifies the key in access logs without revealing it
    logger.info("write allowed", principal=principal)
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": stage_wide(event["methodArn"]),
                }
            ],
        },
        "context": {"keyId": principal},
    }
