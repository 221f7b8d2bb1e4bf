"""Start-up checks of `pkgwhen serve`: each one clear line, saying what to fix; fatal ones stop the start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.aws.clients import error_code, translate
from bot.core.errors import AwsUnreachable, CredentialsExpired, CredentialsInvalid, PkgwhenError
from bot.slack.plaintext import mrkdwn_to_text
from bot.usecases.services import Services


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    line: str
    fatal: bool = True

    def __str__(self) -> str:
        mark = "ok  " if self.ok else ("FAIL" if self.fatal else "warn")
        return f"{mark} {self.name}: {self.line}"


def slack_token(client: WebClient) -> Check:
    try:
        who = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error", "unknown")
        return Check(
            "Slack",
            False,
            f"the bot token was refused ({code}); set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…) "
            "from OAuth & Permissions, and reinstall the app if it was revoked",
        )
    except OSError as error:
        return Check("Slack", False, f"cannot reach the Slack API ({error}); check the network and SLACK_API_URL")
    return Check("Slack", True, f"connected to {who.get('team')} as @{who.get('user')}")


def aws_identity(services: Services) -> Check:
    try:
        identity = services.aws.sts().get_caller_identity()
    except (ClientError, BotoCoreError) as error:
        translated = translate(error, "sts:GetCallerIdentity")
        if isinstance(translated, CredentialsExpired | CredentialsInvalid | AwsUnreachable):
            # The same words as in Slack, as plain text: they say what to fix.
            return Check("AWS", False, mrkdwn_to_text(f"{translated.what} {translated.todo}").replace("`", ""))
        return Check(
            "AWS",
            False,
            f"no usable AWS credentials ({type(error).__name__}: {error}); give the bot the role from deploy/pkgwhen.yaml, "
            "or set AWS_PROFILE / AWS_ACCESS_KEY_ID",
        )
    return Check("AWS", True, f"account {identity.get('Account')} as {identity.get('Arn')} in {services.settings.aws_region}")


def config_recording(services: Services) -> Check:
    try:
        services.history.recorder_records_inventory()
    except PkgwhenError as error:
        return Check("AWS Config", False, f"{error.what} {error.todo}", fatal=False)
    except (ClientError, BotoCoreError) as error:
        return Check("AWS Config", False, f"cannot check the recorder ({error})", fatal=False)
    return Check("AWS Config", True, "the recorder records AWS::SSM::ManagedInstanceInventory")


def queue_reachable(services: Services) -> Check | None:
    url = services.settings.queue_url
    if not url:
        return None
    try:
        services.aws.sqs().get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    except ClientError as error:
        return Check(
            "Queue",
            False,
            f"cannot read PKGWHEN_QUEUE_URL={url} ({error_code(error)}); use the QueueUrl output of deploy/pkgwhen.yaml "
            "and give the bot sqs:ReceiveMessage on it",
        )
    except BotoCoreError as error:
        return Check("Queue", False, f"cannot reach the queue {url} ({error})")
    return Check("Queue", True, f"alerts are read from {url}")


def run_checks(services: Services, client: WebClient, say: Callable[[str], None]) -> bool:
    """Run every check, saying each result; False when a fatal one failed."""
    checks = [slack_token(client), aws_identity(services), config_recording(services), queue_reachable(services)]
    passed = True
    for check in checks:
        if check is None:
            continue
        say(str(check))
        if not check.ok and check.fatal:
            passed = False
    return passed
