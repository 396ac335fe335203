"""template.yaml is code: its routes, handlers, authorizer, layer and table are checked here."""

from __future__ import annotations

import importlib
import json
import re
import tomllib
from typing import Any

import pytest

from contentfeed.local.gateway import LambdaContext, build_event
from contentfeed.local.template import Template
from tests.conftest import ROOT

pytestmark = pytest.mark.infra
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def normalise(path: str) -> str:
    return re.sub(r"[{<][^}>]+[}>]", "{}", path)


def test_every_handler_resolves(template: Template) -> None:
    functions = template.functions()
    assert functions
    for spec in functions.values():
        assert spec.module_path.is_file(), spec.module_path
        module = importlib.import_module(
            ".".join(spec.code_uri.relative_to(ROOT).parts) + "." + spec.handler.rpartition(".")[0]
        )
        assert callable(getattr(module, spec.attribute))


def test_every_write_route_carries_the_authorizer(template: Template) -> None:
    routes = template.routes()
    authorizers = template.authorizers()
    writes = [r for r in routes if r.method in WRITE_METHODS]
    assert writes
    for route in writes:
        assert route.authorizer in authorizers, f"{route.method} {route.path} has no authorizer"
    for route in routes:
        if route.method == "GET":
            assert route.authorizer is None, f"public {route.path} must not need a key"
    for spec in authorizers.values():
        assert spec.identity_headers == ("Authorization",)


def test_template_routes_are_served_and_served_routes_are_in_the_template(
    template: Template, ddb: Any
) -> None:
    # Every route the template sends to the API function is answered by one of its routes …
    api = importlib.import_module("functions.api.app")
    api.get_store.cache_clear()
    for route in template.routes():
        if route.function != "ApiFunction":
            continue
        path = route.path.replace("{id}", "3f1e0a52-7c1b-4c8e-9a4e-2b6d5f0c9e11")
        event = build_event(
            method=route.method,
            route=route,
            path=path,
            query="",
            path_parameters={},
            headers=[("Content-Type", "application/json")],
            body=b"{}",
            source_ip="127.0.0.1",
        )
        response = api.lambda_handler(event, LambdaContext(function_name="ApiFunction"))
        detail = (
            json.loads(response["body"]).get("detail", "")
            if response["body"].startswith("{")
            else ""
        )
        assert not str(detail).startswith("no route"), f"{route.method} {route.path} is not served"
    # … and every documented route of the app is in the template.
    declared = {(r.method, normalise(r.path)) for r in template.routes()}
    for path, operations in api.app.get_openapi_schema().paths.items():
        for method in ("get", "post", "put", "patch", "delete"):
            if getattr(operations, method, None) is not None:
                assert (method.upper(), normalise(path)) in declared, f"{method} {path} missing"


def test_layer_matches_the_functions(template: Template) -> None:
    globals_function = template.globals_function
    assert globals_function["Runtime"] == "python3.13"
    architectures = globals_function["Architectures"]
    assert len(architectures) == 1
    for name, function in template.resources_of_type("AWS::Serverless::Function").items():
        assert function["Properties"].get("Architectures", architectures) == architectures, name
        assert function["Properties"].get("Runtime", "python3.13") == "python3.13", name
    (layer,) = template.resources_of_type("AWS::Serverless::LayerVersion").values()
    assert layer["Properties"]["ContentUri"] == "layers/shared"
    assert layer["Properties"]["CompatibleArchitectures"] == architectures
    assert layer["Metadata"]["BuildArchitecture"] == architectures[0]
    assert layer["Metadata"]["BuildMethod"] == "python3.13"
    assert not (ROOT / "layers/shared/python").exists(), "sam build makes python/; never commit one"


def test_layer_requirements_are_generated_from_pyproject() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = (ROOT / "layers/shared/requirements.txt").read_text().splitlines()
    assert [line for line in lines if line and not line.startswith("#")] == declared, (
        "run `make requirements`"
    )


def test_table_design_matches_the_code(template: Template) -> None:
    definition = template.table_definition()
    assert [k["AttributeName"] for k in definition["KeySchema"]] == ["pk", "sk"]
    assert definition["BillingMode"] == "PAY_PER_REQUEST"
    assert definition["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    (table,) = template.resources_of_type("AWS::DynamoDB::Table").values()
    assert table["DeletionPolicy"] == table["UpdateReplacePolicy"] == "Retain"


def test_functions_read_only_configuration_the_settings_model_knows(template: Template) -> None:
    from dataclasses import fields

    from contentfeed.config import Settings

    known = {field.name.upper() for field in fields(Settings)}
    for spec in template.functions().values():
        for name in spec.environment:
            assert name in known or name.startswith("POWERTOOLS_"), f"{name} is not in Settings"
