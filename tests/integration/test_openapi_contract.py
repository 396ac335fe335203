"""The API's contract: the OpenAPI document it serves is the one checked in beside the handler.

``functions/api/openapi.json`` is the document as served for the sample event's host. The
handler must serve exactly it (byte for byte, only ``servers`` naming the URL asked), and the
routes and models must still describe exactly it: a change to either that changes the API shows
up here, and the checked-in document is regenerated on purpose (``python -m
functions.api.app`` writes it).
"""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

from contentfeed_cli.local.gateway import LambdaContext
from tests.conftest import ROOT, load_event

CHECKED_IN = ROOT / "functions" / "api" / "openapi.json"
EVENT_BASE = "https://abcdef1234.execute-api.us-east-1.amazonaws.com/v1"


def served(api: ModuleType, host: str | None = None) -> dict[str, Any]:
    event = load_event("openapi-get.json")
    if host is not None:
        event["headers"]["Host"] = host
        event["multiValueHeaders"]["Host"] = [host]
        event["requestContext"]["domainName"] = host
    result: dict[str, Any] = api.lambda_handler(event, LambdaContext("ApiFunction"))
    return result


def test_the_served_document_is_the_checked_in_one(api: ModuleType) -> None:
    # Given the document checked in beside the handler
    expected = CHECKED_IN.read_text(encoding="utf-8")
    # When the sample event asks the API for /openapi.json
    answer = served(api)
    # Then the body is that document, byte for byte
    assert answer["statusCode"] == 200
    assert json.loads(expected)["servers"] == [{"url": EVENT_BASE}]
    assert answer["body"] == expected


def test_another_host_changes_only_the_server_url(api: ModuleType) -> None:
    # Given another execute-api host than the checked-in document's
    host = "0123456789.execute-api.eu-west-1.amazonaws.com"
    # When the API is asked for /openapi.json there
    answer = json.loads(served(api, host)["body"])
    # Then only the server URL differs from the checked-in document
    expected = json.loads(CHECKED_IN.read_text(encoding="utf-8"))
    assert answer["servers"] == [{"url": f"https://{host}/v1"}]
    assert {**answer, "servers": expected["servers"]} == expected


def test_the_routes_and_models_describe_the_checked_in_document(api: ModuleType) -> None:
    # Given the document the routes and models generate (Powertools' generator)
    generated = api.generated_openapi_document(EVENT_BASE)
    # Then it is the checked-in document, byte for byte
    assert generated == CHECKED_IN.read_text(encoding="utf-8"), (
        "the routes or models changed the API's contract: if that is intended, regenerate "
        "functions/api/openapi.json with `python -m functions.api.app`"
    )
