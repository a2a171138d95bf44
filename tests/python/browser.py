#!/usr/bin/env python3
"""Opens pcapq's HTML report in a real (headless) Chromium.

The report of a capture from tests/pcaps is loaded
from disk; the check fails on any console error or uncaught exception, on any network
request (the report must be self-contained), and when a section heading is missing or
not visible, and when the page itself scrolls sideways on a narrow window (wide tables
must scroll inside their own box). A full-page screenshot is kept at
target/report-screenshot.png.

Skips, with a message, only when Chromium is not installed (.ci/run installs Debian's
chromium package).
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "tests" / "pcaps"
PCAPQ = os.environ.get("PCAPQ") or str(ROOT / "target" / "release" / "pcapq")
SECTIONS = ["Captures", "Capture overview", "Hosts, networks, ports", "Flows", "TCP connections"]
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


def main():
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("browser check skipped: chromium is not installed (apt-get install chromium)")
        return 0
    from playwright.sync_api import sync_playwright

    capture = SHARED / "zeek" / "ftp-ipv6.pcap"
    if not capture.exists():
        print(f"FAIL {capture} is missing: the test captures are carried in the repository")
        return 1
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.html"
        r = subprocess.run([PCAPQ, "report", str(capture), "-o", str(report)], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL pcapq report: {r.stderr.strip()}")
            return 1
        profile = Path(tmp) / "profile"
        with sync_playwright() as p:
            # A fresh profile directory for every run (Playwright passes it as --user-data-dir).
            browser = p.chromium.launch_persistent_context(
                str(profile), executable_path=chromium, headless=True, args=ARGS,
                viewport={"width": 1280, "height": 900})
            page = browser.new_page()
            console_errors, requests = [], []
            page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: console_errors.append(str(e)))
            page.on("request", lambda req: requests.append(req.url))
            page.goto(report.as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            outside = [u for u in requests if not u.startswith("file://") and not u.startswith("data:")]
            if console_errors:
                failures.append(f"console errors: {console_errors}")
            if outside:
                failures.append(f"network requests: {outside}")
            for heading in SECTIONS:
                h = page.get_by_role("heading", level=2, name=heading, exact=True)
                if h.count() != 1 or not h.is_visible():
                    failures.append(f"section heading {heading!r} missing or hidden")
            charts = page.locator("figure svg").count()
            if charts < 15:
                failures.append(f"only {charts} charts drawn")
            # A narrow window: wide tables scroll inside their box, the page never sideways.
            page.set_viewport_size({"width": 640, "height": 900})
            page.wait_for_timeout(100)
            page_width = page.evaluate("document.documentElement.scrollWidth")
            boxes = page.evaluate(
                "[...document.querySelectorAll('.wide')].filter(e => e.scrollWidth > e.clientWidth).length")
            if page_width > 640:
                failures.append(f"the page is {page_width}px wide in a 640px window: something overflows")
            if boxes < 1:
                failures.append("no table scrolls inside its box in a 640px window")
            page.set_viewport_size({"width": 1280, "height": 900})
            shot = ROOT / "target" / "report-screenshot.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shot), full_page=True)
            browser.close()
    for f in failures:
        print(f"FAIL browser: {f}")
    print(f"browser check ({capture.name}): {charts} charts, {len(requests)} requests, "
          f"{boxes} tables scrolling in their box at 640px, "
          f"{len(failures)} failures; screenshot at target/report-screenshot.png")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
