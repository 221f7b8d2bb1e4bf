"""Building boto3 clients and turning AWS errors into pkgwhen's errors; the one place both are decided.

Clients get an explicit retry policy (standard or adaptive, bounded attempts). Endpoints are not set
here: botocore itself honours `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE_ID>` (e.g.
`AWS_ENDPOINT_URL_CONFIG_SERVICE`, `AWS_ENDPOINT_URL_SSM`), so the same code runs against AWS and the
local stand-ins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import boto3
import msgspec
from botocore.config import Config as BotoConfig
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.exceptions import ConnectionError as BotoConnectionError

from bot.core.errors import (
    AccessDenied,
    AwsUnavailable,
    AwsUnreachable,
    CredentialsExpired,
    CredentialsInvalid,
    NoAwsCredentials,
    PkgwhenError,
    Throttled,
)
from bot.core.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_config import ConfigServiceClient
    from mypy_boto3_ec2 import EC2Client
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient
    from mypy_boto3_sts import STSClient

# A runaway NextToken must not loop forever.
MAX_PAGES = 1000

# --- What AWS answered, by what can be done about it: the one classification every caller uses. ---------
# Throttling: the codes botocore's standard retry mode treats as throttling (retries/standard.py).
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "EC2ThrottledException",
    }
)
# Temporary credentials past their expiry: JSON services (Config, SSM) say ExpiredTokenException, query
# services (STS, SQS, SNS) ExpiredToken.
EXPIRED_CREDENTIAL_CODES = frozenset({"ExpiredTokenException", "ExpiredToken"})
# An access key or token AWS does not know: JSON services say UnrecognizedClientException, query services
# InvalidClientTokenId, EC2 AuthFailure, S3 InvalidAccessKeyId; a wrong secret key fails the signature.
INVALID_CREDENTIAL_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "UnrecognizedClient",
        "InvalidClientTokenId",
        "AuthFailure",
        "InvalidAccessKeyId",
        "InvalidToken",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
    }
)
DENIED_CODES = frozenset(
    {"AccessDeniedException", "AccessDenied", "UnauthorizedOperation", "UnauthorizedException"}
)
# No connection at all (DNS, refused, proxy, TLS, connect timeout): nothing reached AWS.
UNREACHABLE: tuple[type[Exception], ...] = (BotoConnectionError,)
# The request was sent but no answer came back: AWS may have acted, so a write is never sent again blindly.
UNANSWERED: tuple[type[Exception], ...] = (ReadTimeoutError, ConnectionClosedError)


@dataclass(frozen=True)
class AwsClients:
    """The boto3 clients pkgwhen uses, made once from settings and handed to the gateways."""

    session: boto3.session.Session
    config: BotoConfig

    @classmethod
    def from_settings(cls, settings: Settings, session: boto3.session.Session | None = None) -> AwsClients:
        retry_mode: Literal["standard", "adaptive"] = "adaptive" if settings.aws_retry_mode == "adaptive" else "standard"
        config = BotoConfig(
            region_name=settings.aws_region,
            # total_max_attempts counts the first try too (botocore's max_attempts would count retries only).
            retries={"mode": retry_mode, "total_max_attempts": settings.aws_max_attempts},
            connect_timeout=5,
            read_timeout=30,
            max_pool_connections=max(10, settings.history_concurrency * 2),
        )
        return cls(session=session or boto3.session.Session(region_name=settings.aws_region), config=config)

    def config_service(self) -> ConfigServiceClient:
        return self.session.client("config", config=self.config)

    def config_history(self) -> ConfigServiceClient:
        """Config client for history reads: one attempt per call; bot.aws.config_history paces and retries itself."""
        return self.session.client("config", config=self.config.merge(BotoConfig(retries={"total_max_attempts": 1})))

    def ssm(self) -> SSMClient:
        return self.session.client("ssm", config=self.config)

    def ssm_writes(self) -> SSMClient:
        """SSM client for calls that start something (SendCommand, StartAssociationsOnce): one attempt only.

        A timed-out write may still have started a run, and StartAssociationsOnce has no idempotency
        token; callers check what happened instead of botocore retrying it.
        """
        return self.session.client("ssm", config=self.config.merge(BotoConfig(retries={"total_max_attempts": 1})))

    def ec2(self) -> EC2Client:
        return self.session.client("ec2", config=self.config)

    def sqs(self) -> SQSClient:
        return self.session.client("sqs", config=self.config)

    def s3(self) -> S3Client:
        return self.session.client("s3", config=self.config)

    def sts(self) -> STSClient:
        return self.session.client("sts", config=self.config)


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def transient(error: BaseException) -> bool:
    """Whether trying again later may succeed: throttling, AWS's own 5xx, a connection that failed or was cut.

    Credentials, permissions and invalid requests are not: they need a person. Translated pkgwhen errors
    (Throttled, AwsUnavailable, AwsUnreachable) count as what they translate.
    """
    if isinstance(error, Throttled | AwsUnavailable | AwsUnreachable):
        return True
    if isinstance(error, ClientError):
        return error_code(error) in THROTTLE_CODES or _status(error) >= 500
    return isinstance(error, UNREACHABLE + UNANSWERED)


def translate(error: Exception, action: str) -> PkgwhenError | None:
    """The user-facing error for an AWS failure of `action` (e.g. `config:GetResourceConfigHistory`), if any.

    Errors that mean something specific to the caller (ResourceNotDiscoveredException, InvalidInstanceId …)
    are not translated here: the gateway that called knows what they mean and raises its own.
    """
    service = action.split(":", 1)[0]
    label = {"config": "Config", "ssm": "Systems Manager", "ec2": "EC2", "sqs": "SQS", "s3": "S3", "sts": "STS"}.get(
        service, service
    )
    if isinstance(error, ClientError):
        code = error_code(error)
        if code in THROTTLE_CODES:
            return Throttled(label, retry_after_s=30)
        if code in EXPIRED_CREDENTIAL_CODES:
            return CredentialsExpired(label)
        if code in INVALID_CREDENTIAL_CODES:
            return CredentialsInvalid(label, code)
        if code in DENIED_CODES:
            return AccessDenied(action)
        status = _status(error)
        if status >= 500:
            return AwsUnavailable(label, f"{code or 'server error'} (HTTP {status})")
        return None
    if isinstance(error, NoCredentialsError | PartialCredentialsError):
        return NoAwsCredentials()
    if isinstance(error, UNREACHABLE):
        return AwsUnreachable(label, str(getattr(error, "kwargs", {}).get("endpoint_url", "")))
    if isinstance(error, ConnectionClosedError):
        # For a read, a connection cut before any answer is the network's doing (proxy, firewall).
        return AwsUnreachable(label, str(error.kwargs.get("endpoint_url", "")))
    if isinstance(error, BotoCoreError):
        return AwsUnavailable(label, str(error))
    return None


@contextmanager
def calling(action: str) -> Iterator[None]:
    """Run AWS calls for `action`, re-raising the errors a user can act on as pkgwhen errors."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        translated = translate(error, action)
        if translated is None:
            raise
        raise translated from error


def paged(
    call: Callable[..., Any], token_in: str, token_out: str, max_pages: int = MAX_PAGES, service: str = "API", /, **params: Any
) -> Iterator[Any]:
    """Follow an AWS NextToken until it ends; past `max_pages` pages, AwsUnavailable (a runaway token).

    The one way pkgwhen pages. A caller that may stop early without an error (it has what it needs, or
    reads ahead only so far) takes `itertools.islice` of it.
    """
    token: str | None = None
    for _ in range(max_pages):
        page = call(**params, **({token_in: token} if token else {}))
        yield page
        token = page.get(token_out)
        if not token:
            return
    raise AwsUnavailable(service, f"more than {max_pages} pages; stopped following {token_out}")


# --- Reading Config's history pages quickly -------------------------------------------------------------
# A page of GetResourceConfigHistory is almost all `configuration`: each item's whole inventory as a JSON
# string (about 700 KB for 2,000 packages), which the standard library's decoder unescapes at a quarter of
# msgspec's speed. Before botocore parses a page, msgspec decodes it and lifts those strings out; botocore
# then parses the small rest as it always does (timestamps, types, errors), and the strings are put back
# into the items it returns. Anything unexpected is left to botocore whole.
_HISTORY_OPERATION = "config-service.GetResourceConfigHistory"
_LIFTED = "pkgwhen:lifted-configurations"


def _lift_configurations(
    response_dict: dict[str, Any], customized_response_dict: dict[str, Any], **_: Any
) -> None:
    if response_dict.get("status_code") != 200 or not isinstance(response_dict.get("body"), bytes):
        return
    try:
        page = msgspec.json.decode(response_dict["body"])
    except msgspec.DecodeError:
        return  # botocore reads it and says what is wrong with it
    items = page.get("configurationItems") if isinstance(page, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        return
    lifted = [item.pop("configuration", None) for item in items]
    if not all(value is None or isinstance(value, str) for value in lifted):
        return  # a configuration botocore would reject: let it
    response_dict["body"] = msgspec.json.encode(page)
    customized_response_dict[_LIFTED] = lifted


def _put_back_configurations(parsed: dict[str, Any], **_: Any) -> None:
    lifted = parsed.pop(_LIFTED, None)
    if lifted is None:
        return
    for item, configuration in zip(parsed.get("configurationItems", ()), lifted, strict=True):
        if configuration is not None:
            item["configuration"] = configuration


def read_history_pages_quickly(client: ConfigServiceClient) -> None:
    """Make `client` decode GetResourceConfigHistory pages with msgspec (idempotent; answers unchanged)."""
    events = client.meta.events
    events.register(f"before-parse.{_HISTORY_OPERATION}", _lift_configurations, unique_id="pkgwhen-lift")
    events.register(
        f"after-call.{_HISTORY_OPERATION}", _put_back_configurations, unique_id="pkgwhen-put-back"
    )
