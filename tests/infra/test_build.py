"""A real ``sam build`` (no Docker, as ``make build`` runs it), and what it builds.

What these tests prove, on any machine:

- ``sam build`` succeeds from a clean state (``--no-cached``) with ``.venv/bin`` first on PATH,
  which is where ``python3.13`` comes from.
- Every ELF file in the built layer and functions (lxml, pydantic_core, nh3, ...) is for the
  functions' architecture (ELF ``e_machine``: 183 = aarch64, 62 = x86_64), and every CPython
  extension is tagged for Python 3.13.
- Each function's build folder holds its handler module, and every module the handler imports,
  directly or through ``contentfeed`` at any depth (lazy imports inside functions included,
  ``if TYPE_CHECKING:`` blocks excluded), is in the standard library or present in the built
  layer's ``python/`` folder (or the function's own folder).
- Every distribution in the layer has its requirements installed in the layer, at versions that
  satisfy them (markers evaluated for Python 3.13 on Linux and the target architecture), and
  every line of ``layers/shared/requirements.txt`` is satisfied.
- Layer plus function stay under Lambda's 250 MB unzipped limit.

Each handler module is imported in a fresh interpreter that sees nothing but the standard library
and the built artifacts (``python -E -S``, the function folder then the layer, as Lambda orders
them). When this machine's architecture is not the functions' (an x86_64 laptop building for
arm64 Lambda), the same template is built a second time for this machine's architecture and that
build is imported: the arm64 native extensions cannot load on this CPU, so for them the ELF
checks above stand in. Not proven here: that Lambda's managed runtime (its own boto3 later on
sys.path, its bootstrap) behaves exactly like this interpreter; the deployed
stack's first request is the final proof.
"""

from __future__ import annotations

import ast
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import (
    Distribution,
    distribution,
    distributions,
    packages_distributions,
)
from pathlib import Path
from typing import Literal

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from contentfeed_cli.local.template import Template
from tests.conftest import ROOT

pytestmark = pytest.mark.infra

ELF_MACHINE = {"arm64": 183, "x86_64": 62}
"""Lambda architecture → ELF ``e_machine`` (EM_AARCH64, EM_X86_64)."""
PLATFORM_MACHINE = {"arm64": "aarch64", "x86_64": "x86_64"}
"""Lambda architecture → ``platform.machine()`` / the CPython extension suffix."""
NATIVE_PACKAGES = ("lxml", "pydantic_core", "nh3")
"""Packages the layer must carry compiled code for (a pure-Python fallback would be a build bug)."""
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
BUILD_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Build:
    root: Path
    seconds: float
    architecture: str

    @property
    def layer(self) -> Path:
        return self.root / "SharedLayer" / "python"


def _venv_bin() -> Path:
    """The venv running these tests: it holds ``sam`` and a ``python3.13``."""
    return Path(sys.executable).parent


def _sam_build(template_file: Path, out: Path) -> float:
    """``sam build`` as ``make build`` runs it; returns the seconds it took."""
    bin_dir = _venv_bin()
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "SAM_CLI_TELEMETRY": "0",
    }
    assert shutil.which("python3.13", path=env["PATH"]), "sam build needs python3.13 on PATH"
    sam = shutil.which("sam", path=env["PATH"])
    assert sam, "aws-sam-cli is not installed in this venv (make venv)"
    command = [sam, "build", "--no-cached", "--build-dir", str(out)]
    command += ["--template-file", str(template_file), "--base-dir", str(ROOT)]
    # The repository's settings wherever the template is (they expand the alarms' Fn::ForEach).
    command += ["--config-file", str(ROOT / "samconfig.toml")]
    started = time.monotonic()
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, (
        f"sam build failed after {seconds:.0f} s\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    print(f"sam build took {seconds:.1f} s")  # shown with -s or on failure
    return seconds


@pytest.fixture(scope="module")
def build(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Build:
    (architecture,) = template.globals_function["Architectures"]
    out = tmp_path_factory.mktemp("sam") / "build"
    seconds = _sam_build(ROOT / "template.yaml", out)
    return Build(root=out, seconds=seconds, architecture=architecture)


@pytest.fixture(scope="module")
def host_build(build: Build, tmp_path_factory: pytest.TempPathFactory) -> Build:
    """A build this machine can import: the real one, or the same template built for this
    machine's architecture (only the three architecture settings differ)."""
    here = platform.machine().lower().replace("arm64", "aarch64")
    if PLATFORM_MACHINE[build.architecture] == here:
        return build
    host = next(name for name, machine in PLATFORM_MACHINE.items() if machine == here)
    text = (ROOT / "template.yaml").read_text(encoding="utf-8")
    swapped = text.replace(f"Architectures: [{build.architecture}]", f"Architectures: [{host}]")
    swapped = swapped.replace(
        f"BuildArchitecture: {build.architecture}", f"BuildArchitecture: {host}"
    )
    assert swapped.count(host) >= 3, "the template's architecture settings moved"
    folder = tmp_path_factory.mktemp("host")
    (folder / "template.yaml").write_text(swapped, encoding="utf-8")
    out = folder / "build"
    return Build(root=out, seconds=_sam_build(folder / "template.yaml", out), architecture=host)


def _files(folder: Path) -> Iterator[Path]:
    return (path for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def _elf_machine(path: Path) -> int | None:
    """``e_machine`` of an ELF file, None when the file is not ELF."""
    with path.open("rb") as handle:
        header = handle.read(20)
    if len(header) < 20 or header[:4] != b"\x7fELF":
        return None
    byte_order: Literal["little", "big"] = "little" if header[5] == 1 else "big"
    return int.from_bytes(header[18:20], byte_order)


# ---------------------------------------------------------------- native code


def test_every_native_library_is_built_for_the_functions_architecture(build: Build) -> None:
    # Given the built layer and functions
    expected = ELF_MACHINE[build.architecture]
    elf = {path: _elf_machine(path) for path in _files(build.root)}
    elf = {path: machine for path, machine in elf.items() if machine is not None}
    # Then the native packages are there, compiled …
    for package in NATIVE_PACKAGES:
        assert any(path.is_relative_to(build.layer / package) for path in elf), (
            f"no compiled code for {package} in the layer"
        )
    # … and every ELF file is for the functions' architecture
    wrong = {
        str(path.relative_to(build.root)): machine
        for path, machine in elf.items()
        if machine != expected
    }
    assert not wrong, f"not {build.architecture} (e_machine {expected}): {wrong}"


def test_every_extension_module_is_tagged_for_python_313_and_the_architecture(
    build: Build,
) -> None:
    machine = PLATFORM_MACHINE[build.architecture]
    tagged = re.compile(r"\.cpython-(?P<version>\d+)-(?P<machine>[a-z0-9_]+)-linux-gnu\.so$")
    found = 0
    for path in build.layer.rglob("*.so"):
        match = tagged.search(path.name)
        if match is None:  # stable-ABI (abi3) modules and plain shared libraries carry no tag
            continue
        found += 1
        assert match["version"] == "313", path
        assert match["machine"] == machine, path
    assert found, "no CPython extension modules found in the layer"


# ---------------------------------------------------------------- imports


def _runtime_imports(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
        return
    if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
        children: list[ast.AST] = list(node.orelse)
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        yield from _runtime_imports(child)


def _module_file(roots: tuple[Path, ...], name: str) -> Path | None:
    """Where ``name`` would be imported from, searching ``roots`` in order."""
    parts = name.split(".")
    for root in roots:
        base = root.joinpath(*parts)
        if (base / "__init__.py").is_file():
            return base / "__init__.py"
        if base.with_suffix(".py").is_file():
            return base.with_suffix(".py")
        if base.is_dir():  # a namespace package
            return base
        if base.parent.is_dir() and any(base.parent.glob(f"{parts[-1]}.*.so")):
            return next(base.parent.glob(f"{parts[-1]}.*.so"))
    return None


def _imported_names(node: ast.Import | ast.ImportFrom, package: str) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:
        anchor = package.split(".")
        anchor = anchor[: len(anchor) - (node.level - 1)]
        module = ".".join([*anchor, node.module] if node.module else anchor)
    else:
        module = node.module or ""
    # ``from a import b``: b is a submodule or an attribute of a; a is imported either way.
    return [module, *(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")]


def unresolved_imports(handler: Path, roots: tuple[Path, ...]) -> list[str]:
    """Imports reachable from ``handler`` that neither the stdlib nor ``roots`` provide.

    Third-party packages are checked to the module named; the ``contentfeed`` package is
    followed module by module, so a dependency its rendering code imports lazily counts too.
    """
    missing: list[str] = []
    seen: set[Path] = set()
    queue: list[tuple[Path, str]] = [(handler, "")]
    while queue:
        path, package = queue.pop()
        if path in seen or path.suffix != ".py":
            continue
        seen.add(path)
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            names = _imported_names(node, package)
            module, attributes = names[0], names[1:]
            if module.split(".")[0] in sys.stdlib_module_names:
                continue
            found = _module_file(roots, module)
            if found is None:
                missing.append(f"{module} (imported by {path.name})")
                continue
            candidates = [(module, found)]
            candidates += [
                (name, file) for name in attributes if (file := _module_file(roots, name))
            ]
            if module.split(".")[0] != "contentfeed":
                continue
            for name, file in candidates:
                # importing a.b.c runs a/__init__ and a/b/__init__ first
                parents = [".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)]
                for parent in parents:
                    if parent_file := _module_file(roots, parent):
                        queue.append((parent_file, parent))
                is_package = file.name == "__init__.py"
                queue.append((file, name if is_package else name.rpartition(".")[0]))
    return missing


def test_every_handler_is_built_and_its_imports_are_satisfied_by_the_artifacts(
    build: Build, template: Template
) -> None:
    for logical_id, spec in template.functions().items():
        # Given the function's build folder
        folder = build.root / logical_id
        handler = folder / spec.module_path.relative_to(spec.code_uri)
        assert handler.is_file(), f"{logical_id}: {handler} was not built"
        # Then everything it imports is in the stdlib, the function folder or the layer
        missing = unresolved_imports(handler, (folder, build.layer))
        assert not missing, f"{logical_id} imports what the build does not provide: {missing}"


def test_the_import_check_notices_a_missing_package(tmp_path: Path, build: Build) -> None:
    # Given a handler that imports, lazily, a package the layer does not have
    handler = tmp_path / "app.py"
    handler.write_text(
        "import json\nfrom contentfeed.config import get_settings\n"
        "def lambda_handler(event, context):\n    import yaml\n    return yaml\n"
    )
    # Then the check names it (and accepts the rest)
    assert unresolved_imports(handler, (tmp_path, build.layer)) == ["yaml (imported by app.py)"]


def _lambda_environment(architecture: str) -> dict[str, str]:
    return {
        "python_version": "3.13",
        "python_full_version": "3.13.0",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "os_name": "posix",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "platform_machine": PLATFORM_MACHINE[architecture],
        "extra": "",
    }


def test_every_distribution_in_the_layer_has_its_requirements_in_the_layer(build: Build) -> None:
    installed: dict[str, Distribution] = {
        canonicalize_name(dist.metadata["Name"]): dist
        for dist in distributions(path=[str(build.layer)])
    }
    assert installed, "no distributions found in the layer"
    environment = _lambda_environment(build.architecture)
    declared = [
        line.strip()
        for line in (ROOT / "layers/shared/requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    problems = []
    wanted = [("requirements.txt", spec) for spec in declared]
    wanted += [(name, spec) for name, dist in installed.items() for spec in dist.requires or []]
    for who, spec in wanted:
        requirement = Requirement(spec)
        if requirement.marker is not None and not requirement.marker.evaluate(environment):
            continue
        found = installed.get(canonicalize_name(requirement.name))
        if found is None:
            problems.append(f"{who} needs {spec}: not in the layer")
        elif not requirement.specifier.contains(found.version, prereleases=True):
            problems.append(f"{who} needs {spec}: the layer has {found.version}")
    assert not problems, problems


def _requirement_closure(specs: list[str]) -> set[str]:
    """The distributions ``specs`` need, transitively, as installed in this venv (no extras)."""
    environment = {"extra": ""}
    found: set[str] = set()
    queue = list(specs)
    while queue:
        requirement = Requirement(queue.pop())
        name = canonicalize_name(requirement.name)
        if name in found or (requirement.marker and not requirement.marker.evaluate(environment)):
            continue
        found.add(name)
        queue.extend(distribution(name).requires or [])
    return found


def _dev_only_modules() -> set[str]:
    """Top-level modules of the packages only the laptop needs: the CLI package itself and
    every distribution named by pyproject's optional dependencies (``cli``, ``dev``) that is not
    also a runtime dependency."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = _requirement_closure(project["dependencies"])
    optional = {
        canonicalize_name(Requirement(spec).name)
        for specs in project["optional-dependencies"].values()
        for spec in specs
    }
    dev_only = optional - runtime - {canonicalize_name(project["name"])}
    modules = {"contentfeed_cli"}
    for module, owners in packages_distributions().items():
        if any(canonicalize_name(owner) in dev_only for owner in owners):
            modules.add(module)
    return modules


def test_the_layer_holds_only_the_runtime_package_and_what_it_imports(build: Build) -> None:
    # Given the packages only the laptop needs (the CLI, moto, feedparser, yaml, markdown, ...)
    dev_only = _dev_only_modules()
    assert {"contentfeed_cli", "moto", "feedparser", "yaml", "markdown"} <= dev_only
    # Then none of them was built into the layer
    shipped = {
        path.name if path.is_dir() else path.name.split(".")[0]
        for path in build.layer.iterdir()
        if path.is_dir() or path.suffix in {".py", ".so"}
    }
    assert not (shipped & dev_only), sorted(shipped & dev_only)
    # And no module of the runtime package imports one, at any depth (type-checking blocks aside)
    offenders = []
    for path in (build.layer / "contentfeed").rglob("*.py"):
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            package = ".".join(path.relative_to(build.layer).parent.parts)
            for name in _imported_names(node, package):
                if name.split(".")[0] in dev_only:
                    offenders.append(f"{path.relative_to(build.layer)} imports {name}")
    assert not offenders, offenders


def test_the_dev_only_check_notices_a_cli_import(tmp_path: Path) -> None:
    # Given a runtime module that imports the CLI package and yaml
    module = tmp_path / "contentfeed" / "bad.py"
    module.parent.mkdir()
    module.write_text("import yaml\nfrom contentfeed_cli.tools import sink\n")
    dev_only = _dev_only_modules()
    # Then both names are caught by the same walk the layer test uses
    found = [
        name
        for node in _runtime_imports(ast.parse(module.read_text()))
        for name in _imported_names(node, "contentfeed")
        if name.split(".")[0] in dev_only
    ]
    assert "yaml" in found
    assert "contentfeed_cli.tools" in found


def test_the_built_template_is_one_cloudformation_reads(build: Build) -> None:
    # Given the template `sam build` writes (what `sam deploy` uploads)
    import yaml

    text = (build.root / "template.yaml").read_text(encoding="utf-8")
    events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    # Then it has no YAML anchors or aliases (CloudFormation reads neither): the shared checkov
    # skips are written out …
    assert not [e for e in events if isinstance(e, yaml.AliasEvent)]
    assert not [e for e in events if getattr(e, "anchor", None)]
    # … and the alarms' loop is left for CloudFormation's AWS::LanguageExtensions to expand
    assert "Fn::ForEach::FunctionAlarms" in text
    assert "AWS::LanguageExtensions" in text


def test_each_function_fits_lambdas_unzipped_size_limit(build: Build, template: Template) -> None:
    layer = sum(path.stat().st_size for path in _files(build.layer.parent))
    for logical_id in template.functions():
        code = sum(path.stat().st_size for path in _files(build.root / logical_id))
        assert layer + code < LAMBDA_UNZIPPED_LIMIT, f"{logical_id}: {layer + code} bytes"


def test_handlers_import_from_the_built_artifacts_alone(
    host_build: Build, template: Template, tmp_path: Path
) -> None:
    """Each handler imports from a build alone. On a machine of another architecture than the
    functions' (whose native libraries cannot load here: the ELF checks above cover those), the
    same template is built for this machine's architecture and imported instead."""
    build = host_build
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "AWS_DEFAULT_REGION": "us-east-1",
        "TABLE_NAME": "contentfeed-build-test",
        "POWERTOOLS_SERVICE_NAME": "contentfeed",
        "POWERTOOLS_METRICS_NAMESPACE": "contentfeed",
    }
    for logical_id, spec in template.functions().items():
        folder = build.root / logical_id
        module = ".".join(spec.module_path.relative_to(spec.code_uri).with_suffix("").parts)
        code = (
            "import importlib, sys\n"
            f"sys.path[:0] = [{str(folder)!r}, {str(build.layer)!r}]\n"
            f"handler = getattr(importlib.import_module({module!r}), {spec.attribute!r})\n"
            "assert callable(handler)\n"
            "leaked = [m.__file__ for m in list(sys.modules.values())\n"
            "          if 'site-packages' in (getattr(m, '__file__', None) or '')]\n"
            "assert not leaked, leaked\n"
        )
        # -E: no PYTHONPATH/PYTHONHOME; -S: no site-packages (the venv's are invisible)
        result = subprocess.run(
            [sys.executable, "-E", "-S", "-c", code],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{logical_id}: {result.stderr[-3000:]}"
