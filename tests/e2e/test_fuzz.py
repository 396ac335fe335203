"""A bounded schemathesis run against the local server's /openapi.json, writes included.

It must find no server error, no undocumented status code, no response breaking its schema and
no schema-valid request refused. The seed is fixed so a failure reproduces.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import running_server

pytestmark = pytest.mark.e2e
CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = "20261129"


def test_fuzzing_finds_nothing() -> None:
    st = shutil.which("st", path=str(Path(sys.executable).parent))
    assert st, "schemathesis is a dev dependency: pip install -e '.[dev]'"
    with running_server() as server:
        run = subprocess.run(
            [
                st,
                "--config-file",
                str(CONFIG),
                "run",
                f"{server.base}/openapi.json",
                "--checks",
                "all",
                "--header",
                f"Authorization: Bearer {server.key}",
                "--phases",
                "examples,coverage,fuzzing",
                "--max-time",
                os.environ.get("FUZZ_SECONDS", "100"),
                "--max-examples",
                os.environ.get("FUZZ_EXAMPLES", "12"),
                "--workers",
                "1",
                "--seed",
                SEED,
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    report = run.stdout[-6000:] + run.stderr[-2000:]
    assert run.returncode == 0, report
    assert "No issues found" in run.stdout or "passed" in run.stdout, report
