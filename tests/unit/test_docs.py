"""Docs that restate the template must agree with it."""

from __future__ import annotations

import re

from contentfeed.models.api import MAX_CONTENT_CHARS
from contentfeed_cli.local.template import Template
from tests.conftest import ROOT

NUMBERS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def test_deploy_guide_lists_every_output_and_counts_the_functions(template: Template) -> None:
    # Given the deploy guide and the template
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    outputs = template.document["Outputs"]
    functions = template.functions()
    # Then every stack output has a row in the guide's outputs table
    listed = set(re.findall(r"^\s*\|([^|]*)\|", guide, flags=re.MULTILINE))
    named = {name for cell in listed for name in re.findall(r"`(\w+)`", cell)}
    assert set(outputs) <= named, f"missing from docs/deploy.md: {set(outputs) - named}"
    # And the opening paragraph counts the functions right
    opening = guide.split("\n\n")[1]
    assert f"{NUMBERS[len(functions)]} Lambda functions" in opening


def test_readme_and_publishing_guide_state_the_content_limit() -> None:
    limit = f"{MAX_CONTENT_CHARS:,}"
    for doc in (ROOT / "README.md", ROOT / "docs" / "publishing.md"):
        assert f"{limit} characters" in doc.read_text(encoding="utf-8"), doc.name
