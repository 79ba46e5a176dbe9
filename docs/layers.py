"""Draw docs/layers.svg: the blog's apps in their layers, with every import between two apps as an arrow.

Run by `make diagram` (and checked by tests/test_architecture.py, which
fails when the picture no longer matches the code). The imports are read by
grimp, the library under import-linter, from the source itself: the picture
is the code's, not a drawing of intentions. An arrow pointing up, from an
app to one above it, is drawn red: the layering contract in pyproject.toml
allows only its named exceptions.
"""

import collections
import pathlib
import sys
import tomllib
from html import escape

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "layers.svg"


def layers_contract():
    """The layers contract of pyproject.toml, which import-linter checks: the picture draws its rows."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(contract for contract in config["contracts"] if contract["type"] == "layers")


# Lowest first; apps on one row are independent ("a | b" in the contract).
LAYERS = [[app.strip() for app in row.split("|")] for row in reversed(layers_contract()["layers"])]
ROLES = {
    "core": "text, names, bidi, images, tokens, client, rate limits, backup",
    "mail": "rendering, sent-once ledger, suppressions, sending",
    "accounts": "users, organisations, memberships, impersonation",
    "blog": "posts, their pages, feeds, sitemap",
    "comments": "comments, policy, thread, reports, mentions, admin",
    "pagecache": "whole-page cache",
    "wordpress": "WordPress and Disqus",
    "demo": "demo content",
    "config": "settings; urls: the composition root",
}
BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 250, 54, 40, 46, 30


def app_imports():
    """{(importer, imported): number of import statements} between the apps, from the source."""
    import grimp

    sys.path.insert(0, str(ROOT))
    apps = [app for row in LAYERS for app in row if (ROOT / app).is_dir()]
    graph = grimp.build_graph(*apps, cache_dir=None)
    counts = collections.Counter()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            importer_app, imported_app = module.split(".")[0], imported.split(".")[0]
            if importer_app != imported_app:
                counts[importer_app, imported_app] += (
                    len(graph.get_import_details(importer=module, imported=imported)) or 1
                )
    return apps, counts


def draw(apps, counts):
    rows = [[app for app in row if app in apps] for row in LAYERS]
    rows = [row for row in rows if row]
    width = max(len(row) for row in rows) * (BOX_W + GAP_X) - GAP_X + 2 * MARGIN
    height = len(rows) * (BOX_H + GAP_Y) - GAP_Y + 2 * MARGIN
    level, box = {}, {}
    for depth, row in enumerate(rows):
        y = height - MARGIN - BOX_H - depth * (BOX_H + GAP_Y)
        row_width = len(row) * (BOX_W + GAP_X) - GAP_X
        for index, app in enumerate(row):
            x = (width - row_width) / 2 + index * (BOX_W + GAP_X)
            level[app], box[app] = depth, (x, y)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">',
        "<title>The apps of the blog in layers, and the imports between them</title>",
        '<defs><marker id="down" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
        '<marker id="up" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#fff"/>',
    ]
    for (importer, imported), count in sorted(counts.items()):
        (x1, y1), (x2, y2) = box[importer], box[imported]
        upward = level[imported] > level[importer]
        # Spread the arrows leaving and reaching a box so they do not overlap.
        shift = (apps.index(imported) - apps.index(importer)) * 6
        start = (x1 + BOX_W / 2 + shift, y1 if upward else y1 + BOX_H)
        end = (x2 + BOX_W / 2 - shift, y2 + BOX_H if upward else y2)
        if level[imported] == level[importer]:
            start, end = (x1 + BOX_W, y1 + BOX_H / 2), (x2, y2 + BOX_H / 2)
        colour, marker = ("#c0392b", "up") if upward else ("#555", "down")
        parts.append(
            f'<line x1="{start[0]:.0f}" y1="{start[1]:.0f}" x2="{end[0]:.0f}" y2="{end[1]:.0f}" '
            f'stroke="{colour}" stroke-width="1.2" marker-end="url(#{marker})">'
            f"<title>{escape(importer)} imports {escape(imported)} ({count})</title></line>"
        )
    for app, (x, y) in box.items():
        parts.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="#f4f6f8" stroke="#333"/>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 22:.0f}" text-anchor="middle" font-weight="bold" '
            f'font-size="14">{escape(app)}</text>'
            f'<text x="{x + BOX_W / 2:.0f}" y="{y + 40:.0f}" text-anchor="middle" fill="#444">'
            f"{escape(ROLES.get(app, ''))}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render():
    return draw(*app_imports())


if __name__ == "__main__":
    OUTPUT.write_text(render())
    print(f"wrote {OUTPUT.relative_to(ROOT)}")
