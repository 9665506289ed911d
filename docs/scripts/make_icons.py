"""Render icon.svg to the PNG icons beside it with Chromium (run after changing the SVG; the PNGs are committed).

    python docs/scripts/make_icons.py
"""

from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parents[2] / "learnpm" / "static" / "icons"
SIZES = {"icon-32.png": 32, "apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512,
         "icon-maskable-512.png": 512}


def main() -> None:
    svg = (HERE / "icon.svg").read_text()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for name, size in SIZES.items():
            page = browser.new_page(viewport={"width": size, "height": size})
            pad = size // 10 if "maskable" in name else 0  # a maskable icon keeps its drawing in the safe zone
            inner = svg.replace('width="64" height="64"', f'width="{size - 2 * pad}" height="{size - 2 * pad}"')
            page.set_content(f'<body style="margin:0;background:#163a7a;padding:{pad}px;line-height:0">{inner}</body>')
            page.screenshot(path=str(HERE / name), omit_background="maskable" not in name)
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
