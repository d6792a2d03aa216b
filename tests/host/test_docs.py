"""The docs keep up with the code: every error code and every setting is documented."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from host.core.settings import Settings

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


def test_every_http_refusal_is_in_a_table_with_its_status() -> None:
    """Each (status, code) an HTTP route refuses with appears as a row `| status | `code` |` of docs/protocol.md."""
    text = (ROOT / "docs/protocol.md").read_text()
    documented = set(re.findall(r"^\| (\d{3}) \| `([a-z_]+)` \|", text, re.MULTILINE))
    raised: set[tuple[str, str]] = set()
    for package in ("host", "web"):
        for source in (ROOT / package).rglob("*.py"):
            found = re.findall(r'(?:_error|_Refusal)\(\s*(\d{3}),\s*"([a-z_]+)"', source.read_text(encoding="utf-8"))
            raised |= set(found)
    assert ("409", "not_ended") in raised and ("403", "moderator_only") in raised, "the pattern no longer matches"
    assert raised <= documented, f"undocumented: {sorted(raised - documented)}"


def test_every_setting_is_in_the_readme() -> None:
    """Each configurable setting's environment variable is listed in the README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    source = (ROOT / "host/core/settings.py").read_text(encoding="utf-8")
    variables = set(re.findall(r'"(HASHTALK_[A-Z_]+)"', source))
    assert len(variables) >= len(fields(Settings)) - 2  # db_path and clock are set otherwise
    missing = sorted(v for v in variables if f"`{v}`" not in readme)
    assert not missing, f"not in the README: {missing}"
