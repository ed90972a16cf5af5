"""The HTML report in a real browser (Debian's chromium driven by Playwright).

Opened at a desktop (1280 px) and a phone (390 px) width, the report must have nothing wider
than the screen, every chart drawn with a size, no text cut by its box (HTML boxes and SVG text
inside its viewBox), no request leaving the page and no console error.

Needs the `playwright` Python package (not its bundled browsers: never `playwright install`)
and /usr/bin/chromium. Without them these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Run

CHROMIUM = os.environ.get("ROADMAP_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
NOW = "2026-11-20T18:00:00+00:00"
WIDTHS = (1280, 390)


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[dev]')"
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt install chromium)"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def demo_report(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    demo = tmp_path / "demo"
    run.ok("demo", "--dir", str(demo))
    monkeypatch.setenv("ROADMAP_HOME", str(demo))
    out = tmp_path / "report.html"
    run.ok("export", "-o", str(out))
    return out


@pytest.fixture
def empty_report(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    out = tmp_path / "empty.html"
    run.ok("export", "-o", str(out))
    return out


CHECKS = """() => {
  const doc = document.documentElement;
  const out = {overflow: [doc.scrollWidth, doc.clientWidth], charts: [], clipped: [], svgText: []};
  for (const svg of document.querySelectorAll('svg')) {
    const r = svg.getBoundingClientRect();
    out.charts.push([svg.getAttribute('aria-label'), r.width, r.height]);
    const vb = svg.viewBox.baseVal;
    for (const t of svg.querySelectorAll('text')) {
      const b = t.getBBox();
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5
          || b.y + b.height > vb.y + vb.height + 0.5) {
        out.svgText.push([svg.getAttribute('aria-label'), t.textContent,
                          [b.x, b.y, b.width, b.height], [vb.width, vb.height]]);
      }
    }
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('svg')) continue;
    const style = getComputedStyle(el);
    if (style.display === 'inline' || style.display === 'none' || style.display === 'contents') continue;
    if (['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      out.clipped.push([el.tagName + '.' + el.className, el.textContent.slice(0, 60),
                        el.scrollWidth, el.clientWidth]);
    }
    const r = el.getBoundingClientRect();
    if (r.right > doc.clientWidth + 1 || r.left < -1) {
      out.clipped.push([el.tagName + '.' + el.className, el.textContent.slice(0, 60),
                        'outside the page', r.left, r.right]);
    }
  }
  return out;
}"""


def open_report(browser: Any, path: Path, width: int) -> tuple[Any, dict[str, Any]]:
    """Open ``path`` at ``width`` px with every request routed: only the file itself loads.
    Returns the page and what it did (requests refused, console errors, the checks)."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    seen: dict[str, Any] = {"refused": [], "errors": []}
    own = path.resolve().as_uri()

    def route(r: Any) -> None:
        if r.request.url == own:
            r.continue_()
        else:
            seen["refused"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on(
        "console",
        lambda m: seen["errors"].append(m.text) if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("requestfailed", lambda r: None)
    page.goto(own, wait_until="load")
    seen["checks"] = page.evaluate(CHECKS)
    seen["scripts"] = page.evaluate("document.scripts.length")
    return page, seen


def assert_reads_well(seen: dict[str, Any], charts: int) -> None:
    checks = seen["checks"]
    width, client = checks["overflow"]
    assert width <= client, f"the page is {width} px wide on a {client} px screen"
    assert len(checks["charts"]) >= charts, checks["charts"]
    for label, w, h in checks["charts"]:
        assert w > 0 and h > 0, f"chart {label!r} is drawn {w}×{h}"
    assert checks["clipped"] == [], checks["clipped"]
    assert checks["svgText"] == [], checks["svgText"]
    assert seen["refused"] == [], f"requests left the page: {seen['refused']}"
    assert seen["errors"] == [], seen["errors"]
    assert seen["scripts"] == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_the_demo_report_reads_well_in_chromium(
    browser: Any, demo_report: Path, width: int
) -> None:
    page, seen = open_report(browser, demo_report, width)
    try:
        # the pillar levels (one per pillar), hours per week, readiness, calendar, forecast
        assert_reads_well(seen, charts=4 + 4)
        labels = [label for label, _, _ in seen["checks"]["charts"]]
        for label in (
            "Hours per week by pillar",
            "Readiness over time",
            "Minutes studied per day",
            "Forecast range",
        ):
            assert label in labels, labels
        # every pillar's full name is shown, never cut
        text = page.inner_text("body")
        assert (
            "Large-scale deployment: training at scale, inference serving, operations, cost" in text
        )
        assert "…" not in text
        # the period is everything: one hours column, not "Period h" beside an equal "Total h"
        assert "Period h" not in text and "(all of it)" in text
        # the calendar's first month is labelled; a yearly total sits beside it
        months = page.eval_on_selector_all(
            "svg[aria-label='Minutes studied per day'] text", "ts => ts.map(t => t.textContent)"
        )
        assert months[3] == "Aug", months  # after Mon, Wed, Fri: the first column's month
        assert "Last 12 months" in text
        # the forecast's date takes the verdict's colour (on track: green, behind: red), not
        # the accent
        big = page.eval_on_selector(
            ".kpi:nth-child(3) .big", "e => [e.className, getComputedStyle(e).color]"
        )
        colours = {"ok": "rgb(46, 139, 87)", "bad": "rgb(192, 57, 43)"}
        verdict = [c for c in big[0].split() if c in colours]
        assert verdict and big[1] == colours[verdict[0]], big
    finally:
        page.context.close()


def test_on_a_phone_tables_reflow_into_label_value_rows(browser: Any, demo_report: Path) -> None:
    page, seen = open_report(browser, demo_report, 390)
    try:
        assert_reads_well(seen, charts=8)
        head = page.eval_on_selector("table.reflow thead", "e => getComputedStyle(e).display")
        assert head == "none"
        label = page.eval_on_selector(
            "table.reflow td[data-label]", "e => getComputedStyle(e, '::before').content"
        )
        assert label == '"Readiness"', label
    finally:
        page.context.close()
    page, seen = open_report(browser, demo_report, 1280)
    try:
        head = page.eval_on_selector("table.reflow thead", "e => getComputedStyle(e).display")
        assert head == "table-header-group"
    finally:
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_new_users_report_reads_well_in_chromium(
    browser: Any, empty_report: Path, width: int
) -> None:
    page, seen = open_report(browser, empty_report, width)
    try:
        assert_reads_well(seen, charts=4 + 1)
        text = page.inner_text("body")
        assert "No level changes yet." in text
    finally:
        page.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_hostile_names_neither_run_nor_overflow(
    browser: Any, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """Names full of markup, and one long unbroken word, stay text and inside their boxes."""
    from tests.conftest import DATA

    monkeypatch.setenv("ROADMAP_NOW", NOW)
    tree = (DATA / "golden" / "hostile.yaml").read_text(encoding="utf-8")
    long_word = "Supercalifragilistic" * 4
    tree = tree.replace("Lead <img src=x onerror=alert(4)>", f"Lead {long_word}", 1)
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(tree, encoding="utf-8")
    monkeypatch.setenv("ROADMAP_SKILLS", str(hostile))
    run.ok("log", "linalg", "90m", "--on", "2026-11-01T09:00", "--note", "<script>x</script>")
    run.ok("log", "cpp", "1h", "--on", "2026-11-05T07:15")
    out = tmp_path / "hostile.html"
    run.ok("export", "-o", str(out))
    page, seen = open_report(browser, out, width)
    try:
        assert_reads_well(seen, charts=4)
        text = page.inner_text("body")
        assert "<script>alert(1)</script>" in text  # shown as text
        assert long_word[:40] in text.replace("\n", "")
    finally:
        page.context.close()


def test_a_request_from_the_page_would_be_caught(browser: Any, tmp_path: Path) -> None:
    """The routing catches what a report must never do (so the check above can fail)."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html><body style="margin:0"><div style="width:2000px">wide</div>'
        '<img src="https://example.org/x.png"><svg viewBox="0 0 10 10" width="0" height="0">'
        '<text x="5" y="5">far too long a text</text></svg></body></html>',
        encoding="utf-8",
    )
    page, seen = open_report(browser, bad, 390)
    page.context.close()
    assert seen["refused"] == ["https://example.org/x.png"]
    width, client = seen["checks"]["overflow"]
    assert width > client
    assert seen["checks"]["svgText"] and any(w == 0 for _, w, _ in seen["checks"]["charts"])
    assert seen["checks"]["clipped"]


@pytest.mark.parametrize("width", WIDTHS)
def test_evidence_is_text_never_a_link(
    browser: Any, run: Run, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """Hostile evidence (markup, a javascript: link, a long unbroken URL) in the evidence
    section: shown as text in the DOM, no <a> anywhere, nothing wider than the screen."""
    monkeypatch.setenv("ROADMAP_NOW", NOW)
    long_link = "https://example.org/" + "a" * 300
    hostile = "[x](javascript:alert(1)) <a href='javascript:alert(2)'>click</a> <script>x</script>"
    run.ok("check", "linalg", "1.1", "--link", long_link)
    run.ok("assess", "calculus", "2", "--evidence", "https://example.org/pr/1")
    from tests.conftest import Sql

    Sql(Path(os.environ["ROADMAP_HOME"]))(
        "UPDATE assessment SET evidence = ? WHERE skill_id = 'calculus'", (hostile,)
    )
    out = tmp_path / "evidence.html"
    run.ok("export", "-o", str(out))
    page, seen = open_report(browser, out, width)
    try:
        assert_reads_well(seen, charts=4)
        assert page.evaluate("document.querySelectorAll('a, [href]').length") == 0
        shown = page.eval_on_selector_all("code.ev", "cs => cs.map(c => c.textContent)")
        assert shown == [long_link, hostile]
        assert "Evidence" in page.eval_on_selector_all("h2", "hs => hs.map(h => h.textContent)")
    finally:
        page.context.close()
