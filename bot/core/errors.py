"""What can go wrong that a user can act on: one type per situation, each carrying what to tell the user.

These are raised by gateways and core code and turned into a Slack message in exactly one place
(`bot.slack.messages.render_error`), so listeners never invent their own error text.

`what` and `todo` are Slack mrkdwn: the types below take data (typed names, Name tags, AWS's words) as
plain strings and escape it here.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core.mrkdwn import code, echo, escape

MAX_CANDIDATES_SHOWN = 10


class PkgwhenError(Exception):
    """A failure with a message for the person who asked: what is wrong and what to do (both mrkdwn)."""

    def __init__(self, what: str, todo: str = "") -> None:
        super().__init__(what)
        self.what = what
        self.todo = todo


class UsageError(PkgwhenError):
    """The command could not be understood."""

    def __init__(self, what: str, usage: str) -> None:
        super().__init__(what, usage)
        self.usage = usage


class UnknownServer(PkgwhenError):
    def __init__(self, server: str, suggestions: Sequence[str] = ()) -> None:
        todo = (
            "Did you mean " + ", ".join(code(s) for s in suggestions) + "?"
            if suggestions
            else "Use a node ID (i-…, mi-…), a unique prefix of one, a Name tag or a computer name."
        )
        super().__init__(f"No managed server matches {echo(server)}.", todo)
        self.server = server
        self.suggestions = tuple(suggestions)


class AmbiguousServer(PkgwhenError):
    def __init__(self, server: str, candidates: Sequence[str]) -> None:
        super().__init__(
            f"{echo(server)} matches {len(candidates)} servers: "
            + ", ".join(echo(c, 80) for c in candidates[:MAX_CANDIDATES_SHOWN])
            + (f" and {len(candidates) - MAX_CANDIDATES_SHOWN} more" if len(candidates) > MAX_CANDIDATES_SHOWN else ""),
            "Type more of the ID, or use the full node ID.",
        )
        self.server = server
        self.candidates = tuple(candidates)


class NotRecording(PkgwhenError):
    """AWS Config does not record AWS::SSM::ManagedInstanceInventory (or no recorder exists)."""

    def __init__(self, *, recorder_exists: bool) -> None:
        super().__init__(
            "AWS Config is not recording `AWS::SSM::ManagedInstanceInventory`, so there is no package history."
            if recorder_exists
            else "AWS Config has no configuration recorder in this account and region.",
            "Turn on recording of `AWS::SSM::ManagedInstanceInventory` in AWS Config "
            "(Settings → Recording method → include that resource type), then wait for the next inventory run.",
        )


class NoHistory(PkgwhenError):
    def __init__(self, server: str) -> None:
        super().__init__(
            f"AWS Config has no inventory history for {code(server)} yet.",
            "Config records an item after the node's next inventory run; `/inventory refresh` starts one now.",
        )


class AccessDenied(PkgwhenError):
    def __init__(self, action: str) -> None:
        super().__init__(
            f"pkgwhen's AWS role is not allowed to call {code(action)}.",
            f"Add {code(action)} to the role's policy (deploy/ has the full list).",
        )
        self.action = action


class Throttled(PkgwhenError):
    def __init__(self, service: str, retry_after_s: int) -> None:
        super().__init__(
            f"AWS {escape(service)} is throttling pkgwhen's requests (too many calls in this account and region), "
            "even after retries.",
            f"Try again in {retry_after_s} s. If it keeps happening, other tools are sharing the API rate: "
            "`PKGWHEN_HISTORY_CONCURRENCY` lowers how many calls pkgwhen makes at once.",
        )
        self.retry_after_s = retry_after_s


class AwsUnavailable(PkgwhenError):
    def __init__(self, service: str, detail: str) -> None:
        super().__init__(f"AWS {escape(service)} did not answer: {escape(detail)}", "Try again in a minute.")


class AwsUnreachable(PkgwhenError):
    """No connection to an AWS endpoint at all: network, proxy, DNS or a wrong region or endpoint."""

    def __init__(self, service: str, endpoint: str) -> None:
        where = f" at {code(endpoint)}" if endpoint else ""
        super().__init__(
            f"pkgwhen cannot reach AWS {escape(service)}{where}: the connection failed or timed out.",
            "Check that the host pkgwhen runs on can reach AWS (network, proxy, security group, VPC endpoint), "
            "and that `AWS_REGION` is the region of your servers.",
        )
        self.endpoint = endpoint


class CredentialsExpired(PkgwhenError):
    """AWS refused the call because pkgwhen's temporary credentials (session token) have expired."""

    def __init__(self, service: str) -> None:
        super().__init__(
            f"AWS {escape(service)} refused pkgwhen's credentials: their session token has expired.",
            "Renew them where pkgwhen runs: an instance profile or task role renews by itself (restart pkgwhen "
            "if it still fails); credentials from `aws sso login` or `aws sts assume-role` must be fetched again.",
        )


class CredentialsInvalid(PkgwhenError):
    """AWS does not know pkgwhen's access key or token (deleted key, wrong partition, a typo)."""

    def __init__(self, service: str, code_name: str) -> None:
        super().__init__(
            f"AWS {escape(service)} does not recognise pkgwhen's credentials ({code(code_name)}): the access key or "
            "session token is invalid.",
            "Give pkgwhen valid credentials: the role from `deploy/pkgwhen.yaml` (instance profile or task role), "
            "or a current `AWS_PROFILE`; check that no stale `AWS_ACCESS_KEY_ID`/`AWS_SESSION_TOKEN` is set.",
        )


class PackageNeverSeen(PkgwhenError):
    def __init__(self, package: str, server: str, span: str, suggestions: Sequence[str] = ()) -> None:
        todo = (
            "Did you mean " + ", ".join(code(s) for s in suggestions) + "?"
            if suggestions
            else "Check the spelling; a glob such as `openssl*` matches every package whose name starts so."
        )
        super().__init__(f"{echo(package)} was never seen on {escape(server)} in {escape(span)}.", todo)
        self.package = package
        self.suggestions = tuple(suggestions)


class WriteDenied(PkgwhenError):
    """A write action (refresh, anything that runs on a server) asked by someone not on the allow-list."""

    def __init__(self, action: str, user_id: str, contact: str) -> None:
        super().__init__(
            f"You are not allowed to run {code(action)}: write actions are limited to the users, user groups "
            "and channels on pkgwhen's allow-list.",
            f"Ask {contact} to add your Slack user ID {code(user_id)} (or a user group or channel of yours) to it.",
        )
        self.action = action
        self.user_id = user_id


class InventoryNotSetUp(PkgwhenError):
    """The node has no `AWS-GatherSoftwareInventory` association, so nothing collects its inventory."""

    def __init__(self, server: str) -> None:
        super().__init__(
            f"Inventory is not set up for {escape(server)}: no `AWS-GatherSoftwareInventory` association applies to it.",
            "Set it up in the AWS console: Systems Manager → Inventory → Setup inventory (or Quick Setup → "
            "Host Management), targeting this node; its first run records the inventory, then "
            "`/inventory refresh` works.",
        )


class ServerOffline(PkgwhenError):
    """The node's SSM agent is not connected, so a run would only wait for it."""

    def __init__(self, server: str, ping_status: str, last_ping: str) -> None:
        super().__init__(
            f"{escape(server)} is not connected to Systems Manager (ping status {escape(ping_status)}, last seen {last_ping}); "
            "nothing was started.",
            "Check that the server is running and its SSM agent can reach AWS, then try again.",
        )
        self.ping_status = ping_status


class NotManaged(PkgwhenError):
    """The node is known only from Config's history: SSM no longer manages it."""

    def __init__(self, server: str) -> None:
        super().__init__(
            f"{escape(server)} is not managed by Systems Manager any more; its inventory cannot be collected.",
            "Its recorded history is still there: `/pkgwhen` answers from it.",
        )


class RefreshCoolingDown(PkgwhenError):
    """A refresh of the same target ran recently; another now would only repeat it."""

    def __init__(self, target: str, started_by: str, started_at: str, wait: str) -> None:
        super().__init__(
            f"{escape(target)} was refreshed {started_at} by <@{started_by}>; not starting another one.",
            f"Try again in {wait} (the cooldown between refreshes of one server), or look at `/inventory status`.",
        )


class LookupCoolingDown(PkgwhenError):
    """Someone asked who changed this package (this change of it, on this server) recently."""

    def __init__(self, target: str, started_by: str, started_at: str, wait: str) -> None:
        super().__init__(
            f"{escape(target)} was looked up {started_at} by <@{started_by}>; not asking the server again.",
            f"Try again in {wait} (the cooldown between two looks at one package's history on one server); "
            "the earlier answer is in its thread.",
        )


class RequestRepeated(PkgwhenError):
    """The same request (same trigger, or same person and target within the cooldown) arrived again."""

    def __init__(self, target: str, started_at: str, *, asked: str = "to refresh") -> None:
        super().__init__(
            f"You already asked {asked} {escape(target)} {started_at}; that run is being followed in its own reply.",
            "Nothing new was started.",
        )


class LookupUnanswered(PkgwhenError):
    """Systems Manager gave no answer to SendCommand of the history document: it may have started, and is
    not sent again."""

    def __init__(self, server: str) -> None:
        super().__init__(
            f"Systems Manager did not answer whether it started reading {escape(server)}'s package history; "
            "pkgwhen does not send it twice.",
            "Ask again in a minute.",
        )


class NoAwsCredentials(PkgwhenError):
    """boto3 found no credentials at all where the bot runs."""

    def __init__(self) -> None:
        super().__init__(
            "pkgwhen has no AWS credentials.",
            "Give the bot an IAM role, or set AWS_PROFILE / AWS_ACCESS_KEY_ID where it runs.",
        )


class RunRefused(PkgwhenError):
    """Systems Manager answered a call that starts something with an error: nothing started."""

    def __init__(self, code_name: str, message: str) -> None:
        super().__init__(
            f"Systems Manager refused to start the run: {code(code_name)}: {escape(message)}",
            "Nothing was started.",
        )
        self.code_name = code_name


class AssociationChanged(PkgwhenError):
    """The association confirmed is not the one that applies to the server now."""

    def __init__(self, server: str, node_id: str) -> None:
        super().__init__(
            f"The inventory association of {escape(server)} changed since you were asked; nothing was started.",
            f"Run {code(f'/inventory refresh {node_id} --association')} again.",
        )


class NotLinux(PkgwhenError):
    """Package-manager history is read from yum, dnf, apt or zypper: Linux servers only."""

    def __init__(self, server: str, platform: str) -> None:
        super().__init__(
            f"{escape(server)} runs {escape(platform)}: package-manager history is read on Linux only.",
            "For Windows hotfixes, the install time in `/pkgwhen` comes from Windows itself.",
        )


class NotAskable(PkgwhenError):
    """The server of a `why` question is not one pkgwhen can ask (not managed, or not Linux)."""

    def __init__(self, server: str, typed: str, package: str) -> None:
        super().__init__(
            f"pkgwhen can ask only Linux servers SSM manages about their package manager; {escape(server)} is not one.",
            f"{code(f'/pkgwhen {typed} {package}')} shows what Config recorded.",
        )


class LookupTimedOut(PkgwhenError):
    """The history document was started but did not finish in time; it may still finish."""

    def __init__(self, server: str, seconds: int, command_id: str) -> None:
        super().__init__(
            f"Reading the package history on {escape(server)} did not finish within {seconds} s.",
            f"The command ({code(command_id)}) may still finish: look in Systems Manager → Run Command, or ask again later.",
        )


class LookupFailed(PkgwhenError):
    """The history document ended without success on the server."""

    def __init__(self, server: str, status: str, detail: str) -> None:
        super().__init__(
            f"Reading the package history on {escape(server)} ended {code(status)}"
            + (f": {escape(detail[:300])}" if detail else "."),
            "The document needs SSM Agent 3.3.2746.0 or later and a Linux server with yum, dnf, apt or zypper.",
        )
        self.status = status
