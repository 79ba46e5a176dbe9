"""axe-core, the accessibility checker, run inside a page the browser tests opened.

The script comes from the npm registry (package.json pins it; `npm ci`
installs it into node_modules), never from a CDN. It is handed to the page
through Playwright's `evaluate`, which the DevTools protocol runs outside the
page's Content Security Policy: a <script> tag would be refused by our CSP,
as it should be, and the CSP stays in force for everything the page does.

axe's "preload" step is turned off: it re-reads the stylesheets and inserts
them as inline <style> elements (the admin's CSS uses @import), which our CSP
rightly refuses and the browser tests would report as violations. The only
rule that needs it, css-orientation-lock, then reports "incomplete" instead
of "passed"; the site locks no orientation.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core"
BLOCKING = ("serious", "critical")

# Every page checked during the run, in order, for the report printed at its end.
REPORTS = []


def source():
    """The script to inject; FileNotFoundError when axe-core was not installed."""
    return (PACKAGE / "axe.min.js").read_text(encoding="utf-8")


def version():
    return json.loads((PACKAGE / "package.json").read_text(encoding="utf-8"))["version"]


@dataclass
class Report:
    name: str
    url: str
    version: str
    violations: list = field(default_factory=list)

    def blocking(self, allowed=()):
        """Serious and critical violations, less the rule ids in `allowed`."""
        return [v for v in self.violations if v["impact"] in BLOCKING and v["id"] not in allowed]

    def summary(self):
        if not self.violations:
            return f"{self.name}: no violations"
        found = "; ".join(
            f"{v['impact']} {v['id']} ×{len(v['nodes'])} ({', '.join(str(n['target'][0]) for n in v['nodes'][:3])})"
            for v in self.violations
        )
        return f"{self.name}: {found}"

    def describe(self, violations):
        return "\n".join(
            f"- {v['impact']} {v['id']}: {v['help']}\n"
            + "\n".join(f"    {node['target']}: {node['html'][:160]}" for node in v["nodes"])
            for v in violations
        )


def run(page, script, *, name):
    """Check the page as it is now; the report lists every violation, with its impact."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(script)
    violations = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations'], preload: false}).then(r => r.violations)"
    )
    return Report(name=name, url=page.url, version=version(), violations=violations)
