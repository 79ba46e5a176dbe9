"""Take the moderation desk's screenshots used in docs/moderation.md.

Run it against a running development server that holds the demo content,
for example:

    DEBUG=true DATABASE_URL=sqlite:///shots.sqlite3 python manage.py migrate
    DEBUG=true DATABASE_URL=sqlite:///shots.sqlite3 python manage.py load_demo
    DEBUG=true DATABASE_URL=sqlite:///shots.sqlite3 python manage.py runserver --noreload
    python docs/screenshots/take.py --base-url http://127.0.0.1:8000

It logs in through the admin's login form as the demo author
(claire@example.com, password "demo-password"); load_demo gives that
account a password only when DEBUG is on. It drives the system's Chromium
(found on the PATH, or given with --chromium) through Playwright, with a
1280x900 window and a French interface, and writes next to this file:

- admin-index.png: the admin index with the moderation queue panel;
- admin-queue.png: the queue (the comments changelist);
- admin-comment.png: a comment's page, with its thread, history and reply form
  (Maison Verdane's answer to Manon, in the middle of a thread);
- admin-reject.png: the "reject, with a reason" confirmation for two queue rows.

Nothing is changed on the server: the reject page is shown, not confirmed.
"""

import argparse
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
EMAIL = "claire@example.com"
PASSWORD = "demo-password"  # noqa: S105 - the demo account, which exists only when DEBUG is on
THREAD_COMMENT = "Bonjour Manon"  # A reply with a parent above it and a reply below it.


def login(page, base_url):
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.fill("#id_username", EMAIL)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("chromium-browser"))
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1280, "height": 900},
            locale="fr-FR",
            extra_http_headers={"Accept-Language": "fr"},
            color_scheme="light",
        )
        page = context.new_page()
        login(page, base_url)

        page.screenshot(path=HERE / "admin-index.png")

        page.goto(f"{base_url}/admin/comments/comment/")
        page.screenshot(path=HERE / "admin-queue.png", full_page=True)

        page.goto(f"{base_url}/admin/comments/comment/?status=all&q={THREAD_COMMENT}")
        page.click("#result_list tbody tr th a")
        page.wait_for_selector("#reply")
        page.screenshot(path=HERE / "admin-comment.png", full_page=True)

        page.goto(f"{base_url}/admin/comments/comment/")
        rows = page.locator("#result_list tbody input.action-select")
        for index in range(min(rows.count(), 2)):
            rows.nth(index).check()
        page.select_option("select[name=action]", "reject")
        page.click("button[name=index]")
        page.wait_for_selector("body.decision")
        page.screenshot(path=HERE / "admin-reject.png", full_page=True)

        browser.close()


if __name__ == "__main__":
    main()
