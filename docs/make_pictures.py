"""Make the README's pictures from the demo data, so they stay true when the views change.

    .venv/bin/python docs/make_pictures.py

Builds a fresh demo data dir, runs the real `roadmap` commands on it with colour forced
at a fixed width, and turns their output into SVG with rich (docs/img/*.svg); also writes
the demo's HTML report to docs/img/report.html, and screenshots of it when a
headless Chromium is installed (docs/img/report*.png). Standard library plus the project only.
"""

from __future__ import annotations

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
}


def roadmap(home: Path, *args: str, color: bool = True) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "ROADMAP_DB")}
    env.update(ROADMAP_HOME=str(home), COLUMNS=str(WIDTH), TERM="xterm-256color")
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


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        user_home, demo = Path(tmp) / "user", Path(tmp) / "demo"
        roadmap(user_home, "demo", "--dir", str(demo), color=False)
        for name, args in PICTURES.items():
            with open(os.devnull, "w") as sink:
                console = Console(record=True, width=WIDTH, force_terminal=True, file=sink)
                console.print(Text.from_ansi(roadmap(demo, *args).rstrip("\n")))
            svg = console.export_svg(title=f"roadmap {' '.join(args)}")
            (OUT / f"{name}.svg").write_text(svg, encoding="utf-8")
            print(f"wrote {OUT / (name + '.svg')}")
        report = OUT / "report.html"
        roadmap(demo, "export", "--format", "html", "-o", str(report), color=False)
        print(f"wrote {report}")
        screenshot(report, OUT / "report.png", "1000,2400")
        screenshot(report, OUT / "report-phone.png", "390,1800")


def screenshot(page: Path, png: Path, size: str) -> None:
    """A PNG of the HTML report, when a headless Chromium is at hand (optional)."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print(f"skipped {png.name}: no chromium on PATH")
        return
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size={size}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    print(f"wrote {png}")


if __name__ == "__main__":
    main()
