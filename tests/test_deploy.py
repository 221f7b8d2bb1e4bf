"""The deployment artefacts say what the code does: the role allows what pkgwhen calls, the manifest
declares the commands the bot answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.sim.default_fleet import AL2_WEB, WIN_APP
from bot.sim.workspace import SimWorkspace

ROOT = Path(__file__).resolve().parents[1]


def _role_actions() -> set[str]:
    # Imported here: cfn-lint takes most of a second to import (sympy), in every test process that collects this.
    from cfnlint.decode import cfn_yaml

    template = cfn_yaml.load(str(ROOT / "deploy" / "pkgwhen.yaml"))
    actions: set[str] = set()
    for statement in template["Resources"]["BotRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]:
        candidates: list[Any] = [statement]
        if "Fn::If" in statement:
            candidates = [c for c in statement["Fn::If"][1:] if isinstance(c, dict) and "Action" in c]
        for candidate in candidates:
            action = candidate["Action"]
            actions.update([action] if isinstance(action, str) else action)
    return actions


def test_the_role_allows_every_aws_call_pkgwhen_makes(workspace: SimWorkspace) -> None:
    for text in (f"{AL2_WEB} kernel", "web-1 curl at 2020-07-01", f"{WIN_APP} KB50*", "web-1 nosuchpackage", "nosuchserver curl"):
        workspace.command("/pkgwhen", text)
    for text in ("status web-1", "help"):
        workspace.command("/inventory", text)
    called = {_action(c.operation) for c in workspace.aws.calls}
    assert called, "the workspace made no AWS call"
    assert called <= _role_actions(), called - _role_actions()


def _action(operation: str) -> str:
    """The IAM action of an operation the stand-in recorded."""
    if operation in _CONFIG_OPERATIONS:
        return f"config:{operation}"
    if operation == "DescribeInstances":
        return f"ec2:{operation}"
    return f"ssm:{operation}"


_CONFIG_OPERATIONS = {
    "GetResourceConfigHistory",
    "DescribeConfigurationRecorders",
    "DescribeConfigurationRecorderStatus",
    "ListDiscoveredResources",
    "BatchGetResourceConfig",
}


def test_the_manifest_declares_the_commands_the_bot_answers(workspace: SimWorkspace) -> None:
    manifest = json.loads((ROOT / "manifest.json").read_text())
    declared = {c["command"] for c in manifest["features"]["slash_commands"]}
    assert declared == {"/pkgwhen", "/inventory"}
    for command in declared:
        answer = workspace.command(command, "help")
        assert answer.status == 200
        assert command in answer.last.plain()
    # An undeclared command gets no answer from the app (Bolt answers 404 for no listener).
    status, _ = workspace.send("command=%2Fnotours&text=help&user_id=U0ALICE&channel_id=C0OPS&team_id=T0PKGWHEN")
    assert status == 404
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        # Alerts find their own posts again after an unknown outcome (conversations.history and .replies).
        "channels:history",
        "groups:history",
        "users:read",
        "usergroups:read",
    }
