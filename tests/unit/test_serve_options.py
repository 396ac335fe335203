"""How ``contentfeed serve`` reads the AWS profile it is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from contentfeed_cli.local.server import profile_region


@pytest.fixture
def aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    config.write_text(
        "[profile eu]\nregion = eu-west-1\n\n[profile bare]\noutput = json\n", encoding="utf-8"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    return config


def test_serve_uses_the_profiles_own_region(aws_config: Path) -> None:
    assert profile_region("eu") == "eu-west-1"


def test_a_profile_without_a_region_gets_the_local_default(aws_config: Path) -> None:
    assert profile_region("bare") == "us-east-1"
