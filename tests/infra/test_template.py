"""template.yaml is code: its routes, handlers, authorizer, layer and table are checked here."""

from __future__ import annotations

import importlib
import json
import re
import tomllib
from types import ModuleType
from typing import Any

import pytest

from contentfeed.config import Settings
from contentfeed.dal import keys as table_keys
from contentfeed.http.routes import feed_routes
from contentfeed_cli.local.gateway import LambdaContext, build_event
from contentfeed_cli.local.template import Template
from tests.conftest import ROOT
from tests.infra.expanded import expand_loops

pytestmark = pytest.mark.infra
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def normalise(path: str) -> str:
    return re.sub(r"[{<][^}>]+[}>]", "{}", path)


def test_every_handler_resolves(template: Template, env: Settings) -> None:
    # Imported under the functions' environment: a module imported first without it would keep
    # a metrics namespace of None for the whole run, and fail when its buffer flushes.
    functions = template.functions()
    assert functions
    for spec in functions.values():
        assert spec.module_path.is_file(), spec.module_path
        module = importlib.import_module(
            ".".join(spec.code_uri.relative_to(ROOT).parts) + "." + spec.handler.rpartition(".")[0]
        )
        assert callable(getattr(module, spec.attribute))


def test_every_route_that_takes_a_body_has_its_body_checked(template: Template) -> None:
    # Given every POST, PUT and PATCH route the template declares
    from contentfeed.http.request import JSON_TYPES

    bodies = {(r.method, r.path) for r in template.routes() if r.method in {"POST", "PUT", "PATCH"}}
    assert bodies
    # Then each is in the table check_body reads (413, 415, non-UTF-8 and non-JSON become 4xx
    # before a parser meets them), and the table names no route the template lacks
    assert bodies == set(JSON_TYPES), bodies ^ set(JSON_TYPES)


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


WRITE_ACTIONS = {
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:ConditionCheckItem",
}


def test_no_route_without_the_authorizer_reaches_a_function_that_can_write(
    template: Template,
) -> None:
    functions = template.resources_of_type("AWS::Serverless::Function")
    writers = {
        name
        for name, function in functions.items()
        if WRITE_ACTIONS & {a for s in _statements(function) for a in _as_list(s["Action"])}
    }
    assert writers == {"ApiFunction"}
    routes = template.routes()
    # A route without the authorizer reaches the function that can write only with a read
    # method (API Gateway passes nothing else on it; the function checks the principal too) …
    for route in routes:
        if route.authorizer is None and route.function in writers:
            assert route.method in {"GET", "HEAD"}, f"{route.method} {route.path} can write"
    # … and the other methods on the article and show paths answer 405 from a function of
    # their own
    other = {
        (r.path, r.function) for r in routes if r.method == "ANY" and r.function != "FeedsFunction"
    }
    assert other == {
        (path, "NotAllowedFunction")
        for path in ("/articles", "/articles/{id}", "/shows", "/shows/{slug}")
    }
    assert _statements(functions["NotAllowedFunction"]) == []


def test_template_routes_are_served_and_served_routes_are_in_the_template(
    template: Template, api: ModuleType
) -> None:
    # Every route the template sends to the API function is answered by one of its routes …
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
    document = json.loads(api.openapi_document.__wrapped__("https://api.example.org/v1"))
    for path, operations in document["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in operations:
                assert (method.upper(), normalise(path)) in declared, f"{method} {path} missing"


def test_the_template_declares_exactly_the_feed_route_table(template: Template) -> None:
    # Given the feed URL layout as the code defines it
    defined = {route.path() for route in feed_routes()}
    # When the template's routes to the feeds function are read
    declared = [r.path for r in template.routes() if r.function == "FeedsFunction"]
    # Then each defined path is declared once (for every method), and nothing else is
    assert sorted(declared) == sorted(defined)
    assert {r.method for r in template.routes() if r.function == "FeedsFunction"} == {"ANY"}


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


def test_the_stream_filter_and_leading_keys_repeat_the_key_layout(template: Template) -> None:
    # Given the two places the template must spell the table's key layout itself
    functions = template.resources_of_type("AWS::Serverless::Function")
    (stream,) = functions["PushFunction"]["Properties"]["Events"].values()
    (articles, shows) = (
        json.loads(f["Pattern"]) for f in stream["Properties"]["FilterCriteria"]["Filters"]
    )
    (authorizer,) = _statements(functions["AuthorizerFunction"])
    # When they are read
    (prefix,) = articles["dynamodb"]["Keys"]["pk"]["S"]
    # Then the second filter passes the shows' partition alone (show edits ping its feed) …
    assert shows["dynamodb"]["Keys"]["pk"]["S"] == [table_keys.SHOWS_PK]
    assert table_keys.is_show_pk(table_keys.SHOWS_PK)
    assert not table_keys.is_show_pk(table_keys.feed_pk(table_keys.show_scope("x")))
    leading = authorizer["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"]
    # Then they are dal's own constants: the stream filter passes exactly the article items …
    assert prefix == {"prefix": table_keys.ARTICLE_PREFIX}
    assert table_keys.is_article_pk(table_keys.article_pk("x"))
    assert not any(
        table_keys.is_article_pk(pk)
        for pk in (
            table_keys.feed_pk(table_keys.SITE),
            table_keys.slug_pk("x"),
            table_keys.idempotency_pk("x"),
            table_keys.KEYS_PK,
        )
    )
    # … and the authorizer may read the write keys' partition alone.
    assert leading == [table_keys.KEYS_PK]


def test_functions_read_only_configuration_the_settings_model_knows(template: Template) -> None:
    from dataclasses import fields

    from contentfeed.config import Settings

    known = {field.name.upper() for field in fields(Settings)}
    for spec in template.functions().values():
        for name in spec.environment:
            assert name in known or name.startswith("POWERTOOLS_"), f"{name} is not in Settings"


# ------------------------------------------------------------------ deployment shape
# What `sam deploy` creates around the routes: these fail when an operator-facing guarantee
# (logs, throttling, alarms, least privilege, data protection) is dropped from the template.


def _ref(name: str) -> dict[str, str]:
    return {"Ref": name}


def _api(template: Template) -> dict[str, Any]:
    (api,) = template.resources_of_type("AWS::Serverless::Api").values()
    return dict(api["Properties"])


def _statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    statements = []
    for policy in function["Properties"].get("Policies", []):
        if isinstance(policy, dict) and "Statement" in policy:
            statements.extend(policy["Statement"])
    return statements


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_the_authorizer_caches_by_authorization_header_for_five_minutes(
    template: Template,
) -> None:
    (spec,) = template.authorizers().values()
    assert spec.identity_headers == ("Authorization",)
    assert spec.ttl_seconds == 300  # docs/deploy.md: revocation takes effect within 5 minutes


def test_gateway_responses_are_problem_json_with_the_right_status(template: Template) -> None:
    responses = template.gateway_responses()
    for kind in (
        "UNAUTHORIZED",
        "ACCESS_DENIED",
        "MISSING_AUTHENTICATION_TOKEN",
        "THROTTLED",
        "REQUEST_TOO_LARGE",
        "BAD_REQUEST_BODY",
        "WAF_FILTERED",
        "AUTHORIZER_FAILURE",
        "DEFAULT_5XX",
    ):
        assert kind in responses, f"no gateway response for {kind}"
    for kind, response in responses.items():
        headers = {name.lower(): value for name, value in response.headers.items()}
        assert headers["content-type"] == "application/problem+json", kind
        assert headers["access-control-allow-origin"] == "*", kind
        body = json.loads(response.body)
        assert {"type", "title", "status", "detail"} <= body.keys(), kind
        assert body["status"] == response.status, kind
        if response.status == 401:
            assert headers["www-authenticate"].startswith("Bearer "), kind
        if response.status in (429, 503):
            assert int(headers["retry-after"]) > 0, kind
    assert responses["THROTTLED"].status == 429
    assert responses["REQUEST_TOO_LARGE"].status == 413


def test_the_stage_is_throttled_traced_and_access_logged_without_secrets(
    template: Template,
) -> None:
    api = _api(template)
    assert api["TracingEnabled"] is True
    assert api["MinimumCompressionSize"] == 1024
    assert api["OpenApiVersion"], "without it SAM adds a second, unthrottled stage named Stage"
    (settings,) = api["MethodSettings"]
    assert (settings["ResourcePath"], settings["HttpMethod"]) == ("/*", "*")
    assert settings["ThrottlingRateLimit"] == _ref("ApiThrottlingRateLimit")
    assert settings["ThrottlingBurstLimit"] == _ref("ApiThrottlingBurstLimit")
    assert settings["DataTraceEnabled"] is False  # it would log request headers
    # Access logs: a log group of this stack, with the retention parameter …
    group = api["AccessLogSetting"]["DestinationArn"]["Fn::GetAtt"]
    assert group[1] == "Arn"
    log_group = template.resources[group[0]]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert log_group["Properties"]["RetentionInDays"] == _ref("LogRetentionDays")
    # … one JSON object per request, never a header (Authorization) or a body
    log_format = api["AccessLogSetting"]["Format"]
    record = json.loads(log_format)
    assert {"requestId", "status", "ip", "path", "principalId", "responseType"} <= record.keys()
    lowered = log_format.lower()
    for leak in ("authorization", "header", "$input", "$context.identity.apikey", "claims"):
        assert leak not in lowered, leak


def test_cors_preflight_allows_only_reads(template: Template) -> None:
    cors = _api(template)["Cors"]
    assert cors["AllowOrigin"] == "'*'"
    assert set(cors["AllowMethods"].strip("'").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_every_function_logs_to_its_own_log_group_with_a_retention(template: Template) -> None:
    functions = template.resources_of_type("AWS::Serverless::Function")
    groups = set()
    for name, function in functions.items():
        props = function["Properties"]
        reference = props["LoggingConfig"]["LogGroup"]
        group = template.resources[reference["Ref"]]
        assert group["Type"] == "AWS::Logs::LogGroup", name
        assert group["Properties"]["RetentionInDays"] == _ref("LogRetentionDays"), name
        # the conventional /aws/lambda/<function name>
        assert group["Properties"]["LogGroupName"] == {
            "Fn::Sub": "/aws/lambda/" + props["FunctionName"]["Fn::Sub"]
        }, name
        groups.add(reference["Ref"])
    assert len(groups) == len(functions)


def test_every_function_chooses_its_memory_and_timeout(template: Template) -> None:
    for name, function in template.resources_of_type("AWS::Serverless::Function").items():
        props = function["Properties"]
        assert 128 <= props["MemorySize"] <= 10240, name
        behind_api = any(e.get("Type") == "Api" for e in props.get("Events", {}).values())
        if behind_api or name == "AuthorizerFunction":
            assert props["Timeout"] < 29, f"{name}: API Gateway gives up after 29 s"
        else:
            assert props["Timeout"] <= 900, name


def test_function_permissions_are_least_privilege(template: Template) -> None:
    functions = template.resources_of_type("AWS::Serverless::Function")
    for name, function in functions.items():
        for statement in _statements(function):
            for action in _as_list(statement["Action"]):
                assert "*" not in action, f"{name}: {action}"
            for resource in _as_list(statement["Resource"]):
                assert "*" not in json.dumps(resource), f"{name}: {resource}"
    table = {"Fn::GetAtt": ["ContentTable", "Arn"]}
    (feeds,) = _statements(functions["FeedsFunction"])
    assert set(feeds["Action"]) == {"dynamodb:GetItem", "dynamodb:Query"}
    assert feeds["Resource"] == table
    (authorizer,) = _statements(functions["AuthorizerFunction"])
    assert _as_list(authorizer["Action"]) == ["dynamodb:GetItem"]
    assert authorizer["Resource"] == table
    leading = authorizer["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"]
    assert leading == [table_keys.KEYS_PK]
    api_actions = {a for s in _statements(functions["ApiFunction"]) for a in _as_list(s["Action"])}
    assert not {"dynamodb:Scan", "dynamodb:DeleteTable", "dynamodb:UpdateTable"} & api_actions


@pytest.fixture(scope="module")
def resources(template: Template) -> dict[str, dict[str, Any]]:
    """The resources CloudFormation creates: the template's Fn::ForEach loops written out."""
    return dict(expand_loops(template.document)["Resources"])


def _alarms(resources: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        name: r["Properties"]
        for name, r in resources.items()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }


def test_every_function_has_an_errors_and_a_throttles_alarm(
    template: Template, resources: dict[str, dict[str, Any]]
) -> None:
    # Given the alarms as CloudFormation creates them (the loop written out)
    alarms = _alarms(resources)
    watched = {
        (alarm["MetricName"], alarm["Dimensions"][0]["Value"]["Ref"])
        for alarm in alarms.values()
        if alarm["Namespace"] == "AWS/Lambda"
    }
    # Then every function has both, under the logical ids the alarms have always had …
    for name in template.resources_of_type("AWS::Serverless::Function"):
        assert ("Errors", name) in watched, f"{name} has no Errors alarm"
        assert ("Throttles", name) in watched, f"{name} has no Throttles alarm"
        assert alarms[f"{name}ErrorsAlarm"]["MetricName"] == "Errors"
        assert alarms[f"{name}ThrottlesAlarm"]["MetricName"] == "Throttles"
    # … and any function error or throttle in 5 minutes fires it
    for metric, name in watched:
        if metric in ("Errors", "Throttles"):
            alarm = alarms[f"{name}{metric}Alarm"]
            assert (alarm["Statistic"], alarm["Period"], alarm["Threshold"]) == ("Sum", 300, 1)
            assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    api_5xx = [a for a in alarms.values() if a["MetricName"] == "5XXError"]
    assert api_5xx and api_5xx[0]["Namespace"] == "AWS/ApiGateway"
    dimensions = {d["Name"]: d["Value"] for d in api_5xx[0]["Dimensions"]}
    assert dimensions["ApiName"] == _api(template)["Name"]
    assert dimensions["Stage"] == _ref("StageName")


def test_each_function_alarm_says_what_the_failure_means(
    template: Template, resources: dict[str, dict[str, Any]]
) -> None:
    # Given the descriptions the function alarms look up, by function and metric
    descriptions = template.document["Mappings"]["AlarmDescriptions"]
    functions = template.resources_of_type("AWS::Serverless::Function")
    # Then they name only functions the template has (no entry outlives its function) …
    assert set(descriptions) <= set(functions), set(descriptions) - set(functions)
    # … and each alarm of a named function reads its own entry, which names that function
    for name, alarm in _alarms(resources).items():
        lookup = alarm["AlarmDescription"]
        if not isinstance(lookup, dict):
            continue
        table, function, metric, _default = lookup["Fn::FindInMap"]
        assert table == "AlarmDescriptions"
        assert name == f"{function}{metric}Alarm"
        assert descriptions[function][metric].startswith(function), name


def test_alarms_notify_the_optional_email_topic(
    template: Template, resources: dict[str, dict[str, Any]]
) -> None:
    parameters = template.document["Parameters"]
    assert parameters["AlarmEmail"]["Default"] == ""
    topic = template.resources["AlarmTopic"]
    assert topic["Condition"] == "HasAlarmEmail"
    for alarm in _alarms(resources).values():
        assert alarm["AlarmActions"] == {
            "Fn::If": ["HasAlarmEmail", [_ref("AlarmTopic")], _ref("AWS::NoValue")]
        }


def test_the_table_is_protected(template: Template) -> None:
    (table,) = template.resources_of_type("AWS::DynamoDB::Table").values()
    props = table["Properties"]
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"] == {"SSEEnabled": True, "SSEType": "KMS"}
    assert props["DeletionProtectionEnabled"] is True
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}


def test_the_cdn_is_optional_and_lets_the_origin_decide_caching(template: Template) -> None:
    assert template.document["Parameters"]["EnableCdn"]["Default"] == "false"
    distribution = template.resources["CdnDistribution"]
    assert distribution["Condition"] == "CdnEnabled"
    config = distribution["Properties"]["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["OriginPath"] == {"Fn::Sub": "/${StageName}"}
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    behaviour = config["DefaultCacheBehavior"]
    assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
    assert behaviour["Compress"] is True
    assert set(behaviour["CachedMethods"]) == {"GET", "HEAD"}
    assert {"POST", "PUT", "PATCH", "DELETE"} <= set(behaviour["AllowedMethods"])
    policy = template.resources[behaviour["CachePolicyId"]["Ref"]]["Properties"]
    policy = policy["CachePolicyConfig"]
    assert (policy["MinTTL"], policy["DefaultTTL"]) == (0, 0)  # no Cache-Control, no caching
    key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
    assert "Accept" in key["HeadersConfig"]["Headers"]  # the feeds answer Vary: Accept
    assert key["QueryStringsConfig"]["QueryStringBehavior"] == "all"  # cursor, tag, author
    assert key["EnableAcceptEncodingGzip"] and key["EnableAcceptEncodingBrotli"]
    assert "CdnDomainName" in template.document["Outputs"]


def test_the_cdn_normalises_accept_with_the_tested_function(template: Template) -> None:
    # Given the distribution's one cache behaviour
    config = template.resources["CdnDistribution"]["Properties"]["DistributionConfig"]
    (association,) = config["DefaultCacheBehavior"]["FunctionAssociations"]
    # Then a viewer-request function rewrites Accept before the cache key is computed …
    assert association["EventType"] == "viewer-request"
    name = association["FunctionARN"]["Fn::GetAtt"][0]
    function = template.resources[name]
    assert function["Type"] == "AWS::CloudFront::Function"
    assert function["Condition"] == "CdnEnabled"
    props = function["Properties"]
    assert props["AutoPublish"] is True
    assert props["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    # … and its code is, byte for byte, the file tests/unit/test_edge_accept.py runs with node
    assert props["FunctionCode"] == (ROOT / "edge" / "accept.js").read_text(encoding="utf-8")


def test_outputs_name_what_an_operator_needs(template: Template) -> None:
    outputs = template.document["Outputs"]
    for name in ("ApiUrl", "RssFeedUrl", "AtomFeedUrl", "JsonFeedUrl", "TableName", "DocsUrl"):
        assert name in outputs, name


def test_every_checkov_skip_is_justified(resources: dict[str, dict[str, Any]]) -> None:
    skips = 0
    for name, resource in resources.items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert re.fullmatch(r"CKV2?_AWS_\d+", skip["id"]), f"{name}: {skip}"
            assert len(skip.get("comment", "").split()) >= 8, f"{name}: {skip['id']} unexplained"
            skips += 1
    assert skips


def test_samconfig_deploys_this_template_with_valid_parameters(template: Template) -> None:
    from samcli.cli.types import CfnParameterOverridesType

    config = tomllib.loads((ROOT / "samconfig.toml").read_text())["default"]
    assert config["global"]["parameters"]["stack_name"] == "contentfeed"
    deploy = config["deploy"]["parameters"]
    assert "CAPABILITY_IAM" in deploy["capabilities"]
    # the AWS::LanguageExtensions transform (Fn::ForEach) is a macro CloudFormation must expand,
    # and every SAM CLI command expands it locally first
    assert "CAPABILITY_AUTO_EXPAND" in deploy["capabilities"].split()
    assert "AWS::LanguageExtensions" in template.document["Transform"]
    assert config["global"]["parameters"]["language_extensions"] is True
    assert deploy["confirm_changeset"] is True
    assert deploy["resolve_s3"] is True
    # parsed the way `sam deploy` parses it (unquoted values with spaces would be cut short)
    overrides = CfnParameterOverridesType().convert(deploy["parameter_overrides"], None, None)
    parameters = template.document["Parameters"]
    assert overrides.keys() == parameters.keys()
    for name, value in overrides.items():
        spec = parameters[name]
        if "AllowedValues" in spec:
            assert value in [str(v) for v in spec["AllowedValues"]], name
        if "AllowedPattern" in spec:
            assert re.fullmatch(spec["AllowedPattern"], value), name
        if spec["Type"] == "Number":
            assert spec.get("MinValue", -1e9) <= float(value) <= spec.get("MaxValue", 1e9), name


def test_the_translated_template_has_one_stage_and_open_preflights_only(
    template: Template, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What CloudFormation receives after its transforms (as `sam validate` builds it)."""
    from samtranslator.translator.transform import transform

    class NoManagedPolicies:
        def load(self) -> dict[str, str]:
            return {}

    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    document = expand_loops(template.document)
    for resource in document["Resources"].values():
        for key in ("CodeUri", "ContentUri"):
            if key in resource.get("Properties", {}):
                resource["Properties"][key] = "s3://bucket/key"
    translated = transform(document, {}, NoManagedPolicies())["Resources"]
    stages = [r for r in translated.values() if r["Type"] == "AWS::ApiGateway::Stage"]
    deployments = [r for r in translated.values() if r["Type"] == "AWS::ApiGateway::Deployment"]
    assert len(stages) == 1
    assert all("StageName" not in d["Properties"] for d in deployments), "a stray stage"
    (stage,) = stages
    assert stage["Properties"]["AccessLogSetting"]["Format"].startswith("{")
    assert stage["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"]
    (rest_api,) = [r for r in translated.values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert "ApiGatewayAccountReady" in _as_list(rest_api.get("DependsOn", []))
    for path, operations in rest_api["Properties"]["Body"]["paths"].items():
        for method, operation in operations.items():
            integration = operation["x-amazon-apigateway-integration"]["type"]
            if method == "options":
                assert integration == "mock", path
                assert "security" not in operation, path
            elif method.upper() in WRITE_METHODS:
                assert operation["security"] == [{"WriteKey": []}], f"{method} {path}"


@pytest.mark.parametrize(
    ("variable", "parameter"), [("FEED_SIZE", "FeedSize"), ("FEED_TTL_MINUTES", "FeedTtlMinutes")]
)
def test_numeric_parameters_allow_what_the_settings_allow(
    template: Template, variable: str, parameter: str
) -> None:
    from contentfeed.config import NUMBERS

    spec = template.document["Parameters"][parameter]
    assert (spec["Default"], spec["MinValue"], spec["MaxValue"]) == NUMBERS[variable]
    environment = template.globals_function["Environment"]["Variables"]
    assert environment[variable] == {"Ref": parameter}
