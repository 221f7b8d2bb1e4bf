"""What can be checked of the container without a Docker engine: its install step and its entry command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def test_dockerfile_runs_pkgwhen_serve_as_a_non_root_user_with_a_healthcheck() -> None:
    assert re.search(r"^FROM python:3\.11-slim", DOCKERFILE, re.M)
    assert re.search(r"^USER pkgwhen$", DOCKERFILE, re.M)
    assert re.search(r"^HEALTHCHECK .*\n.*/healthz", DOCKERFILE, re.M)
    assert re.search(r'^CMD \["pkgwhen", "serve"\]$', DOCKERFILE, re.M)
    assert re.search(r'^VOLUME \["/var/lib/pkgwhen/state"\]$', DOCKERFILE, re.M)
    # The final stage installs wheels only: no compiler, no source build.
    final = DOCKERFILE.split("FROM python:3.11-slim\n", 1)[1]
    assert "--no-index" in final
    assert "gcc" not in final and "build-essential" not in final


@pytest.mark.slow
def test_the_images_install_step_works_in_a_fresh_virtual_environment(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    # The image's two steps: wheels from the project's own metadata, then an offline install of them.
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--wheel-dir", str(wheels), str(ROOT)],
        check=True,
        timeout=600,
    )
    target = tmp_path / "image-venv"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheels), "pkgwhen"],
        check=True,
        timeout=600,
    )
    entry = target / "bin" / "pkgwhen"
    assert entry.exists()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PKGWHEN_"))}
    result = subprocess.run([str(entry), "serve"], capture_output=True, text=True, timeout=60, env=clean, cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr
