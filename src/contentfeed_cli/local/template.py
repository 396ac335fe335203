"""Reads ``template.yaml``: the routes, their functions and authorizers, the table, the gateway responses.

The local server and the tests take all of these from the template, so what runs on a laptop
cannot drift from what ``sam deploy`` creates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from contentfeed.http import media


class _CloudFormationLoader(yaml.SafeLoader):
    """A YAML loader that keeps CloudFormation's short tags as their long form (``!Ref x`` → ``{"Ref": x}``)."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_CloudFormationLoader.add_multi_constructor("!", _intrinsic)


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str
    environment: Mapping[str, Any]

    @property
    def module_path(self) -> Path:
        module, _, _ = self.handler.rpartition(".")
        return self.code_uri / (module.replace(".", "/") + ".py")

    @property
    def attribute(self) -> str:
        return self.handler.rpartition(".")[2]


@dataclass(frozen=True)
class RouteSpec:
    method: str
    """Upper case; ``ANY`` matches every method."""
    path: str
    """As API Gateway writes it: ``/articles/{id}``, ``/{proxy+}``."""
    function: str
    authorizer: str | None

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        regex = ""
        for part in re.split(r"(\{[^}]+\})", self.path):
            if part.startswith("{") and part.endswith("+}"):
                regex += f"(?P<{part[1:-2]}>.+)"
            elif part.startswith("{"):
                regex += f"(?P<{part[1:-1]}>[^/]+)"
            else:
                regex += re.escape(part)
        return re.compile(f"^{regex}$")

    @property
    def specificity(self) -> tuple[int, int]:
        """Static segments beat parameters, parameters beat greedy ones (API Gateway's order)."""
        return (self.path.count("+}"), self.path.count("{"))


@dataclass(frozen=True, slots=True)
class AuthorizerSpec:
    name: str
    function: str
    identity_headers: tuple[str, ...]
    ttl_seconds: int


@dataclass(frozen=True, slots=True)
class GatewayResponse:
    status: int
    headers: Mapping[str, str]
    body: str


class Template:
    """The parts of ``template.yaml`` the local server and the tests use."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = path.parent
        text = path.read_text(encoding="utf-8")
        self.document: dict[str, Any] = yaml.load(text, Loader=_CloudFormationLoader)  # noqa: S506 (a SafeLoader)

    @property
    def resources(self) -> dict[str, Any]:
        return dict(self.document.get("Resources", {}))

    def resources_of_type(self, kind: str) -> dict[str, dict[str, Any]]:
        # An ``Fn::ForEach::…`` entry (a list: the alarms) declares no route, function or table.
        return {
            name: r
            for name, r in self.resources.items()
            if isinstance(r, dict) and r.get("Type") == kind
        }

    def parameter_defaults(self) -> dict[str, str]:
        return {
            name: str(spec.get("Default", ""))
            for name, spec in self.document.get("Parameters", {}).items()
        }

    @property
    def globals_function(self) -> dict[str, Any]:
        return dict(self.document.get("Globals", {}).get("Function", {}))

    def functions(self) -> dict[str, FunctionSpec]:
        shared_env = self.globals_function.get("Environment", {}).get("Variables", {})
        specs = {}
        for name, resource in self.resources_of_type("AWS::Serverless::Function").items():
            props = resource["Properties"]
            env = {**shared_env, **props.get("Environment", {}).get("Variables", {})}
            specs[name] = FunctionSpec(
                logical_id=name,
                code_uri=self.root / props["CodeUri"],
                handler=props["Handler"],
                environment=env,
            )
        return specs

    def routes(self) -> list[RouteSpec]:
        routes = []
        for name, resource in self.resources_of_type("AWS::Serverless::Function").items():
            for event in resource["Properties"].get("Events", {}).values():
                if event.get("Type") != "Api":
                    continue
                props = event["Properties"]
                routes.append(
                    RouteSpec(
                        method=str(props["Method"]).upper(),
                        path=props["Path"],
                        function=name,
                        authorizer=(props.get("Auth") or {}).get("Authorizer"),
                    )
                )
        # API Gateway's precedence: static paths before parameters before greedy ones, and on
        # one path an explicit method before ANY.
        return sorted(routes, key=lambda r: (r.specificity, r.path, r.method == "ANY", r.method))

    def stream_consumers(self) -> list[str]:
        """Functions the template subscribes to the table's DynamoDB stream."""
        return sorted(
            name
            for name, resource in self.resources_of_type("AWS::Serverless::Function").items()
            if any(
                e.get("Type") == "DynamoDB"
                for e in resource["Properties"].get("Events", {}).values()
            )
        )

    def _api(self) -> dict[str, Any]:
        apis = self.resources_of_type("AWS::Serverless::Api")
        if len(apis) != 1:
            raise ValueError("template.yaml must define exactly one AWS::Serverless::Api")
        return dict(next(iter(apis.values()))["Properties"])

    def authorizers(self) -> dict[str, AuthorizerSpec]:
        specs = {}
        for name, spec in self._api().get("Auth", {}).get("Authorizers", {}).items():
            function_arn = spec["FunctionArn"]
            identity = spec.get("Identity", {})
            specs[name] = AuthorizerSpec(
                name=name,
                function=function_arn["Fn::GetAtt"][0],
                identity_headers=tuple(identity.get("Headers", [])),
                ttl_seconds=int(identity.get("ReauthorizeEvery", 300)),
            )
        return specs

    def gateway_responses(self) -> dict[str, GatewayResponse]:
        responses = {}
        for kind, spec in self._api().get("GatewayResponses", {}).items():
            headers = {
                name: str(value).strip("'")
                for name, value in spec.get("ResponseParameters", {}).get("Headers", {}).items()
            }
            body = spec.get("ResponseTemplates", {}).get(media.JSON, "")
            responses[kind] = GatewayResponse(
                status=int(spec["StatusCode"]), headers=headers, body=body
            )
        return responses

    def cors_preflight(self) -> dict[str, str] | None:
        """The headers of the ``OPTIONS`` answer API Gateway gives on every path of the API when
        its ``Cors`` is set (SAM adds a mock integration; no function runs), or None."""
        cors = self._api().get("Cors")
        if not cors:
            return None
        if not isinstance(cors, dict):
            cors = {"AllowOrigin": cors}
        names = {
            "AllowOrigin": "Access-Control-Allow-Origin",
            "AllowMethods": "Access-Control-Allow-Methods",
            "AllowHeaders": "Access-Control-Allow-Headers",
            "MaxAge": "Access-Control-Max-Age",
        }
        headers = {names[key]: str(value).strip("'") for key, value in cors.items() if key in names}
        if cors.get("AllowCredentials") is True:
            headers["Access-Control-Allow-Credentials"] = "true"
        return headers

    def table_definition(self) -> dict[str, Any]:
        """The ``CreateTable`` arguments of the one DynamoDB table."""
        tables = self.resources_of_type("AWS::DynamoDB::Table")
        if len(tables) != 1:
            raise ValueError("template.yaml must define exactly one AWS::DynamoDB::Table")
        props = next(iter(tables.values()))["Properties"]
        definition: dict[str, Any] = {
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if "GlobalSecondaryIndexes" in props:
            definition["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        if "StreamSpecification" in props:  # CreateTable spells it with StreamEnabled
            definition["StreamSpecification"] = {
                "StreamEnabled": True,
                **props["StreamSpecification"],
            }
        return definition


def find_template(start: Path | None = None) -> Path:
    """``template.yaml`` in the current folder or the nearest parent that has one."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "template.yaml"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("template.yaml not found here or in any parent folder")


def create_table(client: Any, template: Template, table_name: str) -> None:
    """Create the table exactly as the template declares it (moto or DynamoDB Local)."""
    client.create_table(TableName=table_name, **template.table_definition())
    client.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1})
