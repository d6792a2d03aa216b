"""The docs keep up with the code: every error code and every setting is documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from host.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def codes_raised_in(package: Path) -> set[str]:
    codes = set()
    for source in package.rglob("*.py"):
        codes |= set(re.findall(r'Refused\(\s*"([a-z_]+)"', source.read_text(encoding="utf-8")))
    return codes


def test_every_error_code_is_in_the_protocol_doc() -> None:
    """Each code the server can send appears in an error table (websocket or HTTP) of docs/protocol.md."""
    text = (ROOT / "docs/protocol.md").read_text()
    documented = set(re.findall(r"^\|(?: \d{3} \|)? `([a-z_]+)` \|", text, re.MULTILINE))
    raised = codes_raised_in(ROOT / "host")
    assert raised, "no codes found: the pattern no longer matches the code"
    assert raised <= documented, f"undocumented: {sorted(raised - documented)}"


def test_every_setting_is_in_the_readme() -> None:
    """Each configurable setting's environment variable is listed in the README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = (ROOT / "host/settings.py").read_text(encoding="utf-8")
    variables = set(re.findall(r'"(HASHTALK_[A-Z_]+)"', source))
    assert len(variables) >= len(fields(Settings)) - 2  # db_path and clock are set otherwise
    missing = sorted(v for v in variables if f"`{v}`" not in readme)
    assert not missing, f"not in the README: {missing}"
