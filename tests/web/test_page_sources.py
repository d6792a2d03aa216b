"""The page's sources as files: the promises about how they handle text, checked without a browser."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path, PurePosixPath

from web.routes import STATIC

UNSAFE_SINKS = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function\(")


def test_no_page_sets_markup_from_strings() -> None:
    """Every script sets text with textContent: none uses innerHTML, insertAdjacentHTML, document.write or eval."""
    sources = sorted(STATIC.rglob("*.js")) + sorted(STATIC.glob("*.html"))
    assert len(sources) > 5
    offenders = [f"{path.name}: {match}" for path in sources for match in UNSAFE_SINKS.findall(path.read_text())]
    assert offenders == []


def test_the_pages_have_no_inline_script_or_style() -> None:
    """The policy forbids inline script and style, so the HTML holds none: only <script src> and <link>."""
    for path in sorted(STATIC.glob("*.html")):
        html = path.read_text()
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], path.name
        assert re.findall(r"\son[a-z]+=|<style|\sstyle=", html) == [], path.name


def test_every_static_file_ships_in_the_package() -> None:
    """pyproject's package-data patterns cover every file under web/static, so an installed server has its pages."""
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["web"]
    files = [PurePosixPath(path.relative_to(STATIC.parent).as_posix()) for path in STATIC.rglob("*") if path.is_file()]
    assert files and [f for f in files if not any(f.match(pattern) for pattern in patterns)] == []


def test_the_only_markup_from_a_string_goes_into_a_sandbox_that_runs_nothing() -> None:
    """srcdoc is set in one module only, on the editor's preview iframe, whose sandbox allows neither script nor its origin."""
    setters = [path.name for path in sorted(STATIC.rglob("*.js")) if "srcdoc" in path.read_text()]
    assert setters == ["recap-preview.js"]
    assert 'setAttribute("srcdoc"' in (STATIC / "js" / "recap-preview.js").read_text()
    frames = re.findall(r"<iframe[^>]*>", (STATIC / "recap-edit.html").read_text())
    assert len(frames) == 1 and 'id="preview"' in frames[0]
    sandbox = re.search(r'sandbox="([^"]*)"', frames[0])
    assert sandbox is not None
    assert not {"allow-scripts", "allow-same-origin", "allow-top-navigation"} & set(sandbox.group(1).split())
