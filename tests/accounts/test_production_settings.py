"""In production, single sign-on's provider is reached over HTTPS only."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ESSENTIAL = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "lp.example.org",
    "DATABASE_URL": "postgres://u:p@localhost/lp",
}


def _import_production(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("OIDC_")}
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env={**clean, **ESSENTIAL, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_a_provider_over_plain_http() -> None:
    result = _import_production(
        {
            "OIDC_RP_CLIENT_ID": "client",
            "OIDC_OP_DISCOVERY": "http://id.example.org/.well-known/openid-configuration",
        }
    )
    assert result.returncode != 0
    assert "Single sign-on needs https:// addresses: OIDC_OP_DISCOVERY" in result.stderr


def test_production_takes_a_provider_over_https() -> None:
    result = _import_production(
        {
            "OIDC_RP_CLIENT_ID": "client",
            "OIDC_OP_DISCOVERY": "https://id.example.org/.well-known/openid-configuration",
        }
    )
    assert result.returncode == 0, result.stderr
