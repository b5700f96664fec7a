"""Screenshots of the app in headless Chromium: `python tools/screenshots.py [OUT] [--all]`.

Writes the README's screenshots to docs/screenshots/ (or OUT) at a projector's 1280×720; with
--all, also every scenario at 1280×720 and 390×844 (a phone), for judging them by eye. The tests
never write into the repository; this command is how the README's pictures are refreshed.
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from browser_util import CHROMIUM, CHROMIUM_ARGS, wait_charts, wait_idle  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.app_server import running_app  # noqa: E402
from ui.scenarios import SCENARIOS  # noqa: E402

PROJECTOR, PHONE = (1280, 720), (390, 844)
README = {
    "home": "", "distributions": "distributions", "propagation": "propagation",
    "propagation_relu": "propagation?scenario=he-vs-xavier", "training": "training",
    "training_relu": "training?scenario=deep-relu-circles", "theory": "theory",
}


def views(everything):
    """(file name, path, viewport, full page) of each screenshot."""
    shots = [(name, path, PROJECTOR, True) for name, path in README.items()]
    if everything:
        for scenario in SCENARIOS:
            page = Path(scenario.page).stem
            for tag, size in (("projector", PROJECTOR), ("phone", PHONE)):
                shots.append((f"{scenario.slug}_{tag}", f"{page}?scenario={scenario.slug}",
                              size, False))
    return shots


def main(out, everything):
    out.mkdir(parents=True, exist_ok=True)
    with (running_app(Path(tempfile.mkdtemp()) / "server.log") as (url, _), sync_playwright()
          as pw):
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path, (width, height), full in views(everything):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{url}/{path}")
            wait_idle(page, 120_000)
            wait_charts(page, 60_000, at_least=0 if name in ("home", "theory") else 1)
            page.screenshot(path=str(out / f"{name}.png"), full_page=full)
            page.close()
            print(out / f"{name}.png")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(Path(args[0]) if args else ROOT / "docs" / "screenshots", "--all" in sys.argv)
