"""Run the CloudFront Function (edge/accept.js) under node, as CloudFront would call it.

CloudFront Functions are JavaScript; node runs the very file the template carries. One node
process handles a whole batch of requests, so a table of thousands of ``Accept`` values costs one
process start.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FUNCTION = ROOT / "edge" / "accept.js"

# Loads the function's file the way CloudFront does (a script whose top-level ``handler`` is
# called with the viewer-request event), reads a JSON list of events on stdin and prints, for each,
# the request the function returned.
_RUNNER = r"""
const fs = require("fs");
const code = fs.readFileSync(process.argv[1], "utf8");
const handler = new Function(code + "\nreturn handler;")();
const events = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(events.map((event) => handler(event))));
"""


def node() -> str:
    """The node binary; a clear failure (never a skip) when it is missing."""
    found = shutil.which("node")
    if found is None:
        raise RuntimeError(
            "node is not installed: the CloudFront Function (edge/accept.js) is tested with it "
            "(Debian: apt-get install nodejs; .ci/run installs it)"
        )
    return found


def viewer_request(headers: dict[str, Any]) -> dict[str, Any]:
    """A cloudfront-js-2.0 viewer-request event (header names lower case, values as objects)."""
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "192.0.2.1"},
        "request": {
            "method": "GET",
            "uri": "/feed.xml",
            "querystring": {},
            "headers": headers,
            "cookies": {},
        },
    }


def accept_header(value: str | list[str] | None) -> dict[str, Any]:
    """The ``headers`` of an event carrying this Accept: one line, several lines, or none."""
    if value is None:
        return {}
    if isinstance(value, list):
        return {"accept": {"value": value[0], "multiValue": [{"value": v} for v in value]}}
    return {"accept": {"value": value}}


def run(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The requests the function returns for these events."""
    done = subprocess.run(
        [node(), "-e", _RUNNER, str(FUNCTION)],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if done.returncode != 0:
        raise RuntimeError(f"edge/accept.js failed under node: {done.stderr.strip()}")
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


def normalise(accepts: list[str | list[str] | None]) -> list[str]:
    """The Accept each request leaves the edge with."""
    answers = run([viewer_request(accept_header(a)) for a in accepts])
    return [answer["headers"]["accept"]["value"] for answer in answers]
