"""The clients the Glue API tests drive Glint's endpoint with: boto3 (each raw answer checked against botocore's model) and the AWS CLI."""
import json
import os
import subprocess

import boto3
import botocore.session
from botocore import xform_name

SERVICE = botocore.session.get_session().get_service_model("glue")
# Errors any AWS operation may answer (request-level: protocol, throttling, authentication), which operations do not declare.
COMMON_ERRORS = {"UnknownOperationException", "SerializationException", "ThrottlingException", "AccessDeniedException",
                 "InvalidSignatureException", "UnrecognizedClientException", "MissingAuthenticationTokenException", "IncompleteSignatureException"}


class GlueCallError(Exception):
    """An error answer, as the typed boto3 exception or the AWS CLI's message named it."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code


def check_shape(value, shape, path):
    """Fails unless value (raw JSON) is exactly of the shape: members known, required ones present, types and enums right."""
    kind = shape.type_name
    assert value is not None, f"{path} is null"
    if kind == "structure":
        assert isinstance(value, dict), f"{path} is not an object: {value!r}"
        for key in value:
            assert key in shape.members, f"{path}.{key} is not a member of {shape.name}"
        for key in shape.required_members:
            assert key in value, f"{path}.{key} is required by {shape.name}"
        for key, item in value.items():
            check_shape(item, shape.members[key], f"{path}.{key}")
    elif kind == "list":
        assert isinstance(value, list), f"{path} is not a list"
        for i, item in enumerate(value):
            check_shape(item, shape.member, f"{path}[{i}]")
    elif kind == "map":
        assert isinstance(value, dict), f"{path} is not a map"
        for key, item in value.items():
            check_shape(key, shape.key, f"{path} key")
            check_shape(item, shape.value, f"{path}[{key}]")
    elif kind == "string":
        assert isinstance(value, str), f"{path} is not a string: {value!r}"
        if shape.enum:
            assert value in shape.enum, f"{path} = {value!r} is not one of {shape.enum}"
    elif kind in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{path} is not an integer: {value!r}"
    elif kind in ("double", "float"):
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{path} is not a number: {value!r}"
    elif kind == "boolean":
        assert isinstance(value, bool), f"{path} is not a boolean: {value!r}"
    elif kind == "timestamp":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), f"{path} is not epoch seconds: {value!r}"
    elif kind == "blob":
        assert isinstance(value, str), f"{path} is not base64 text"
    else:
        raise AssertionError(f"{path}: unexpected shape type {kind}")


class Boto3Client:
    """boto3's glue client; every answer's raw body is checked against the operation's output (or declared error) shape."""

    name = "boto3"

    def __init__(self, endpoint):
        self.client = boto3.client("glue", endpoint_url=endpoint, region_name="eu-west-1",
                                   aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
        self.client.meta.events.register("after-call.glue", self._check)
        self.checked = 0

    def _check(self, http_response, parsed, model, **_):
        assert http_response.headers.get("x-amzn-RequestId"), f"{model.name}: no x-amzn-RequestId header"
        body = json.loads(http_response.content or b"{}")
        if http_response.status_code == 200:
            check_shape(body, model.output_shape, model.name) if model.output_shape else None
        else:
            assert http_response.status_code == 400, f"{model.name}: HTTP {http_response.status_code} {body}"
            code = body["__type"]
            assert http_response.headers.get("X-Amzn-ErrorType") == code
            declared = {e.name for e in model.error_shapes} | COMMON_ERRORS
            assert code in declared, f"{model.name} answered {code}, which it does not declare ({sorted(declared)})"
        self.checked += 1

    def call(self, operation, **params):
        try:
            answer = getattr(self.client, xform_name(operation))(**params)
        except self.client.exceptions.ClientError as e:
            code = e.response["Error"]["Code"]
            typed = getattr(self.client.exceptions, code, None)
            assert typed is None or isinstance(e, typed), f"{code} did not parse into the typed exception"
            raise GlueCallError(code, e.response["Error"]["Message"])
        answer.pop("ResponseMetadata", None)
        return answer


class CliClient:
    """The AWS CLI (v1 or v2): one process per call, --cli-input-json in, JSON out; an error is its exit code and message."""

    def __init__(self, name, command, endpoint):
        self.name, self.command, self.endpoint = name, command, endpoint
        self.checked = 0

    def call(self, operation, **params):
        args = self.command + ["glue", xform_name(operation, "-"), "--endpoint-url", self.endpoint, "--region", "eu-west-1",
                               "--output", "json", "--cli-input-json", json.dumps(params)]
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_PAGER="",
                   AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_MAX_ATTEMPTS="1")
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120)
        self.checked += 1
        if done.returncode != 0:
            message = done.stderr.strip()
            start = message.find("An error occurred (")
            assert start >= 0, f"{self.name} {operation} failed without a Glue error: {message}"
            code = message[start + 19:message.index(")", start)]
            raise GlueCallError(code, message)
        return json.loads(done.stdout) if done.stdout.strip() else {}


def client(kind, endpoint):
    if kind == "boto3":
        return Boto3Client(endpoint)
    if kind == "cli-v1":
        return CliClient(kind, ["python3", "-m", "awscli"], endpoint)
    if kind == "cli-v2":
        return CliClient(kind, [os.environ.get("GLINT_TEST_AWSCLI_V2", "/usr/bin/aws")], endpoint)
    raise SystemExit(f"unknown client {kind}")
