"""What each function loads at cold start: the heavy modules stay off the paths that do not need
them (docs/performance.md measures what each one costs). Checked in a fresh interpreter per
function, as Lambda's init phase runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

OPENAPI_MODELS = "aws_lambda_powertools.event_handler.openapi.models"
EVENT_HANDLER = "aws_lambda_powertools.event_handler"  # every resolver and event class it has
HEAVY = ["pydantic", OPENAPI_MODELS, EVENT_HANDLER, "feedgen", "lxml", "nh3", "aws_xray_sdk"]

# function -> the heavy modules its import may load
ALLOWED: dict[str, set[str]] = {
    "api": set(),  # validation, sanitising, the resolver: on the first write or odd read
    "feeds": set(),  # feedgen/lxml on the first render, never on a 304
    "authorizer": set(),
    "push": set(),
    "not_allowed": set(),
}


def loaded_at_import(function: str) -> set[str]:
    probe = (
        "import json, sys\n"
        f"import functions.{function}.app as app\n"
        "if hasattr(app, 'get_store'): app.get_store().client\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "TABLE_NAME": "contentfeed-test",
        "POWERTOOLS_SERVICE_NAME": "contentfeed",
        "POWERTOOLS_METRICS_NAMESPACE": "contentfeed",
    }
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("function", sorted(ALLOWED))
def test_cold_start_loads_only_what_the_function_needs(function: str) -> None:
    # When the function's module is imported and its client built in a fresh interpreter
    loaded = loaded_at_import(function)
    # Then no heavy module beyond its own needs is loaded
    assert loaded <= ALLOWED[function], f"{function} loads {sorted(loaded - ALLOWED[function])}"
