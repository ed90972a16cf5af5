"""Make the README's pictures from the demo data, so they stay true when the views change.

    .venv/bin/python docs/make_pictures.py

Builds a fresh demo data dir (the clock pinned to NOW, so the pictures are reproducible), runs
the real `roadmap` commands on it with colour forced at a fixed width, and turns their output
into SVG with rich (docs/img/*.svg); writes the demo's HTML report to docs/img/report.html and
screenshots of it in the system Chromium at 1280 and 390 px (docs/img/report.png,
docs/img/report-phone.png): through Playwright's Python package when it is installed (never its
own browsers: `executable_path` is /usr/bin/chromium), else Chromium's --screenshot.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "img"
WIDTH = 100
PICTURES = {
    "status": ["status"],
    "tree": ["tree", "--pillar", "software"],
    "heatmap": ["heatmap", "--weeks", "20"],
    "next": ["next"],
    "forecast": ["forecast"],
    "plan": ["plan"],
    "review": ["review"],
}


NOW = "2026-11-20T18:00:00+00:00"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


def roadmap(home: Path, *args: str, color: bool = True) -> str:
    drop = ("NO_COLOR", "ROADMAP_DB", "ROADMAP_SKILLS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(ROADMAP_HOME=str(home), COLUMNS=str(WIDTH), TERM="xterm-256color", ROADMAP_NOW=NOW)
    if color:
        env["FORCE_COLOR"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "roadmap", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


HEAT = {"░": "#c6e48b", "▒": "#7bc96f", "▓": "#239a3b", "█": "#196127"}  # the report's
BAR_EMPTY, BAR_FULL = "#454b57", "#9aa3b2"  # on rich's dark SVG theme


def solid_shades(text: Text, heat: bool) -> Text:
    """Block and shade characters as cells of colour: an SVG viewer draws a font's glyphs
    for them with gaps and seams (and without the terminal's font), but background
    rectangles edge to edge. The picture shows what a terminal shows."""
    out = text.copy()
    plain = list(out.plain)
    for i, char in enumerate(plain):
        if char not in HEAT:
            continue
        if heat:
            colour = HEAT[char]
        elif char == "░":
            colour = BAR_EMPTY
        else:
            style = out.get_style_at_offset(STYLES, i)
            colour = style.color.name if style.color else BAR_FULL
        plain[i] = " "
        out.stylize(f"on {colour}", i, i + 1)
    out.plain = "".join(plain)
    return out


STYLES = Console(file=io.StringIO(), force_terminal=True, width=WIDTH)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        user_home, demo = Path(tmp) / "user", Path(tmp) / "demo"
        roadmap(user_home, "demo", "--dir", str(demo), color=False)
        for name, args in PICTURES.items():
            with open(os.devnull, "w") as sink:
                console = Console(record=True, width=WIDTH, force_terminal=True, file=sink)
                shown = Text.from_ansi(roadmap(demo, *args).rstrip("\n"))
                console.print(solid_shades(shown, heat=name == "heatmap"))
            svg = console.export_svg(title=f"roadmap {' '.join(args)}")
            (OUT / f"{name}.svg").write_text(svg, encoding="utf-8")
            print(f"wrote {OUT / (name + '.svg')}")
        report = OUT / "report.html"
        roadmap(demo, "export", "-o", str(report), color=False)
        print(f"wrote {report}")
        screenshots(report, [(OUT / "report.png", 1280), (OUT / "report-phone.png", 390)])


def screenshots(page: Path, shots: list[tuple[Path, int]]) -> None:
    """Full-page PNGs of the HTML report at each width, in the system Chromium."""
    browser = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if browser is None:
        print("skipped the screenshots: no chromium (apt install chromium)")
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        for png, width in shots:  # no full-page option here: a tall window instead
            subprocess.run(
                [browser, *CHROMIUM_ARGS, f"--window-size={width},4000", f"--screenshot={png}",
                 page.as_uri()],
                check=True,
                capture_output=True,
                timeout=120,
            )  # fmt: skip
            print(f"wrote {png}")
        return
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=browser, args=CHROMIUM_ARGS)
        try:
            for png, width in shots:
                context = chromium.new_context(viewport={"width": width, "height": 900})
                tab = context.new_page()
                tab.route(
                    "**/*", lambda r: r.continue_() if r.request.url == page.as_uri() else r.abort()
                )
                tab.goto(page.as_uri())
                tab.screenshot(path=str(png), full_page=True)
                context.close()
                print(f"wrote {png}")
        finally:
            chromium.close()


if __name__ == "__main__":
    main()
