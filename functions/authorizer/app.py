"""The write authorizer: an API Gateway Lambda REQUEST authorizer in front of every write route.

It allows a request whose ``Authorization: Bearer <key>`` names a known, unrevoked key and
otherwise denies it, which API Gateway turns into the template's 401 gateway response
(problem+json with ``WWW-Authenticate: Bearer``). The policy it returns covers the whole API
stage, so API Gateway's result cache can reuse it for the key's next writes on any route.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from contentfeed.dal import default_store
from contentfeed.http.request import header
from contentfeed.logic.keys import bearer_token, hash_key, is_valid_key

logger = Logger()


get_store = default_store  # a name of this module, so tests can give it another store


def stage_wide(method_arn: str) -> str:
    """``arn:…:api-id/stage/METHOD/path`` → ``arn:…:api-id/stage/*/*``."""
    api, _, rest = method_arn.partition("/")
    stage = rest.split("/", 1)[0]
    return f"{api}/{stage}/*/*"


def policy(principal: str, effect: str, method_arn: str) -> dict[str, Any]:
    return {
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": effect,
                    "Resource": stage_wide(method_arn),
                }
            ],
        },
    }


@logger.inject_lambda_context(log_event=False)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    authorization = header(event, "Authorization")
    if not is_valid_key(get_store(), authorization):
        # A Deny (API Gateway's ACCESS_DENIED response, which the template makes a 401 with
        # WWW-Authenticate) rather than an exception: a refused key is not a function error.
        reason = "missing" if authorization is None else "unknown or revoked key"
        logger.info("write refused", reason=reason)
        return policy("anonymous", "Deny", event["methodArn"])
    principal = hash_key(bearer_token(authorization) or "")[:16]  # names the key, never shows it
    logger.info("write allowed", principal=principal)
    return {**policy(principal, "Allow", event["methodArn"]), "context": {"keyId": principal}}
