"""AWS's error codes, each turned into the pkgwhen error that says what to do (one classification)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from bot.aws.clients import transient, translate
from bot.core.errors import (
    AccessDenied,
    AwsUnavailable,
    AwsUnreachable,
    CredentialsExpired,
    CredentialsInvalid,
    PkgwhenError,
    Throttled,
)
from bot.core.settings import Settings
from bot.runtime.services import build_services
from bot.runtime.startup import aws_identity


def client_error(code: str, status: int = 400) -> ClientError:
    """What botocore raises for an error answer with this code and HTTP status."""
    metadata: Any = {"HTTPStatusCode": status}
    return ClientError({"Error": {"Code": code, "Message": "..."}, "ResponseMetadata": metadata}, "Op")


@pytest.mark.parametrize(
    ("code", "status", "kind", "transient_"),
    [
        ("ExpiredTokenException", 400, CredentialsExpired, False),  # Config, SSM (JSON protocol)
        ("ExpiredToken", 400, CredentialsExpired, False),  # STS, SQS, SNS (query protocol)
        ("UnrecognizedClientException", 400, CredentialsInvalid, False),
        ("InvalidClientTokenId", 403, CredentialsInvalid, False),
        ("AuthFailure", 401, CredentialsInvalid, False),  # EC2
        ("AccessDeniedException", 400, AccessDenied, False),
        ("AccessDenied", 403, AccessDenied, False),
        ("UnauthorizedOperation", 403, AccessDenied, False),
        ("ThrottlingException", 400, Throttled, True),
        ("Throttling", 400, Throttled, True),
        ("RequestLimitExceeded", 503, Throttled, True),
        ("InternalServerError", 500, AwsUnavailable, True),
        ("ServiceUnavailable", 503, AwsUnavailable, True),
    ],
)
def test_each_code_is_one_kind_of_failure(code: str, status: int, kind: type[PkgwhenError], transient_: bool) -> None:
    error = client_error(code, status)
    translated = translate(error, "ssm:DescribeInstanceInformation")
    assert type(translated) is kind
    assert translated.todo  # always says what to do
    assert transient(error) is transient_
    assert transient(translated) is transient_


def test_codes_a_caller_must_decide_on_are_left_to_it() -> None:
    error = client_error("ResourceNotDiscoveredException")
    assert translate(error, "config:GetResourceConfigHistory") is None
    assert not transient(error)


def test_a_connection_that_cannot_be_made_is_unreachable_and_transient() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ssm = boto3.client(
        "ssm",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="eu-west-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=2),
    )
    with pytest.raises(EndpointConnectionError) as raised:
        ssm.describe_instance_information()
    translated = translate(raised.value, "ssm:DescribeInstanceInformation")
    assert isinstance(translated, AwsUnreachable)
    assert translated.endpoint == f"http://127.0.0.1:{port}/"
    assert transient(raised.value)


def test_a_request_sent_without_an_answer_is_transient() -> None:
    cut = ConnectionClosedError(endpoint_url="https://ssm.eu-west-1.amazonaws.com/")
    timed_out = ReadTimeoutError(endpoint_url="https://ssm.eu-west-1.amazonaws.com/")
    assert transient(cut) and transient(timed_out)
    assert isinstance(translate(cut, "ssm:DescribeInstanceInformation"), AwsUnreachable)
    assert isinstance(translate(timed_out, "ssm:DescribeInstanceInformation"), AwsUnavailable)


def test_serve_says_at_start_when_aws_cannot_be_reached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", closed)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    settings = Settings.from_env(
        {"PKGWHEN_STATE_DIR": str(tmp_path), "PKGWHEN_AWS_MAX_ATTEMPTS": "1", "AWS_REGION": "eu-west-1"},
        require_slack=False,
    )
    services = build_services(settings)
    try:
        check = aws_identity(services)
    finally:
        services.close()
    assert not check.ok
    assert str(check).startswith(f"FAIL AWS: pkgwhen cannot reach AWS STS at {closed}/")
    assert "Check that the host pkgwhen runs on can reach AWS" in str(check)
