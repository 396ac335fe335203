"""``template.yaml`` with its ``Fn::ForEach`` loops written out, nothing else resolved.

The template uses the ``AWS::LanguageExtensions`` transform for the per-function alarms. The
tests read the resources as CloudFormation creates them, and checkov (which does not know
``Fn::ForEach``) scans this form in ``make validate``: ``python -m tests.infra.expanded`` prints
it. The loops are expanded by SAM CLI's own implementation of the transform; parameters,
conditions, ``Fn::Sub`` and ``Fn::FindInMap`` stay as written.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

from samcli.lib.cfn_language_extensions.api import (
    ProcessingPipeline,
    TemplateProcessingContext,
    create_default_intrinsic_resolver,
)
from samcli.lib.cfn_language_extensions.models import ResolutionMode
from samcli.lib.cfn_language_extensions.processors import (
    ForEachProcessor,
    TemplateParsingProcessor,
)
from samcli.yamlhelper import yaml_dump, yaml_parse


def expand_loops(document: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` (long-form intrinsics) with every ``Fn::ForEach`` expanded."""
    context = TemplateProcessingContext(
        fragment=copy.deepcopy(document), resolution_mode=ResolutionMode.PARTIAL
    )
    resolver = create_default_intrinsic_resolver(context)
    pipeline = ProcessingPipeline(
        [TemplateParsingProcessor(), ForEachProcessor(intrinsic_resolver=resolver)]
    )
    expanded: dict[str, Any] = pipeline.process_template(context)
    return expanded


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "template.yaml")
    sys.stdout.write(yaml_dump(expand_loops(yaml_parse(path.read_text(encoding="utf-8")))))


if __name__ == "__main__":
    main()
