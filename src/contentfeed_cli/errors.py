"""How the command fails: one line on stderr that says what to do, and an exit status."""

from __future__ import annotations

USAGE_ERROR = 2
"""The command cannot run as given: a bad option, no table, no key, no region, no credentials."""
FAILURE = 1
"""It ran and something failed: a refused key, a server that is down, an unknown table."""


class CliError(Exception):
    """Said in one line on stderr (``contentfeed: …``), then the command exits with ``code``."""

    def __init__(self, message: str, code: int = FAILURE) -> None:
        super().__init__(message)
        self.code = code


def storage_problem(error: BaseException, *, table: str, endpoint: str | None) -> CliError:
    """One line for a DynamoDB error, saying what to do about it."""
    from botocore.exceptions import (
        ClientError,
        EndpointConnectionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
        ProfileNotFound,
    )

    cause: BaseException = error
    while cause.__cause__ is not None and not isinstance(cause, ClientError):
        cause = cause.__cause__
    where = endpoint or "AWS"
    local = " (DynamoDB Local and moto accept any, e.g. test/test)" if endpoint else ""
    if isinstance(cause, NoRegionError):
        return CliError(
            "no AWS region: pass --region or set AWS_DEFAULT_REGION"
            + (" (any region works with --endpoint-url)" if endpoint else ""),
            USAGE_ERROR,
        )
    if isinstance(cause, NoCredentialsError | PartialCredentialsError):
        return CliError(
            "no AWS credentials: pass --profile, or set AWS_ACCESS_KEY_ID and "
            f"AWS_SECRET_ACCESS_KEY{local}",
            USAGE_ERROR,
        )
    if isinstance(cause, ProfileNotFound):
        return CliError(f"{cause}: see `aws configure list-profiles`", USAGE_ERROR)
    if isinstance(cause, EndpointConnectionError):
        return CliError(f"cannot reach DynamoDB at {where}: is it running?")
    if isinstance(cause, ClientError):
        code = cause.response.get("Error", {}).get("Code", "")
        if code == "ResourceNotFoundException":
            return CliError(
                f"no table {table!r} at {where}: check --table (the stack output TableName) "
                "and --region"
            )
        if code in ("UnrecognizedClientException", "InvalidSignatureException"):
            return CliError(f"{where} refused the AWS credentials ({code}): check --profile")
        if code in ("AccessDeniedException", "ExpiredTokenException"):
            return CliError(f"{where} denied access to table {table!r} ({code})")
        if code == "UnknownOperationException":
            return CliError(f"{where} is not a DynamoDB this tool can use ({code})")
        message = cause.response.get("Error", {}).get("Message", "")
        return CliError(f"DynamoDB at {where} answered {code}: {message}".rstrip(": "))
    return CliError(f"DynamoDB at {where}: {' '.join(str(cause).split())}")
