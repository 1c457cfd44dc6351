"""The page sweep of the browser test (pilar/web/tests/test_browser_sweep.py): every
page a role can reach, at a laptop and a phone size, checked for what a new user
notices first (issue 15): a server error, a link that ends in a refusal, English left
over, a number in English format, a page wider than the screen, a page without one
<h1>, and serious or critical axe-core findings (WCAG 2.1 AA).

Pages are discovered, not listed: the parameterless GET routes of the URL conf, then
every link the pages show (menus, lists, detail pages), one visit per route and role.
A page added later is swept as soon as it is in the URL conf or linked from a page.
axe-core (pilar/testing/axe/axe.min.js, vendored from npm, never served to users) is
injected into each page by the test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

AXE_JS = Path(__file__).parent / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
SIZES = {"laptop": (1366, 900), "phone": (390, 844)}

# English a new user met on Pilar's pages, or that Django and browsers put there when a
# text is not translated: matched as whole words, case-sensitive.
ENGLISH_LEFTOVERS = [
    "Not Found",
    "Forbidden",
    "Server Error",
    "Bad Request",
    "Page not found",
    "The requested resource",
    "This field is required",
    "Enter a valid",
    "Select a valid choice",
    "Ensure this value",
    "is not a valid",
    "---------",
    "Log in",
    "Log out",
    "Welcome",
    "View site",
    "Change password",
    "Recent actions",
    "Save and",
    "Are you sure",
    "Search",
    "Previous",
    "Next",
    "Loading",
    "Submit",
    "Cancel",
    "Delete",
    "Unknown",
    "None",
    "True",
    "False",
    "January",
    "February",
    "March",
    "June",
    "July",
    "August",
    "October",
    "December",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "a.m.",
    "p.m.",
    "minutes ago",
    "hours ago",
]
_ENGLISH = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH_LEFTOVERS) + r")(?![\w-])"
)

# Numbers written the English way: thousands with commas ("5,000", "Rp15,000,000") and
# decimals with a point before a unit ("21.00 m²", "12.5%"). Indonesian writes
# "5.000", "Rp15.000.000", "21 m²", "12,5%"; a time "14.30" has no unit.
ENGLISH_NUMBERS = [
    re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:,\d{3})+(?![\d,])"),
    re.compile(r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])\s?(?:m²|m2|%|ha|km|kg|dtk|detik)"),
]

# URL names (or their parts) the sweep does not open: files, not pages; state changes
# reached by GET would be a bug of their own, but logging out ends the sweep.
SKIP_NAME_PARTS = (
    "export",
    "ekspor",
    "download",
    "unduh",
    "bnba",
    "csv",
    "xlsx",
    "pdf",
    "photo",
    "foto",
    "file",
    "berkas",
    "template",
    "logout",
    "keluar",
    "reveal",
    "manifest",
    "service_worker",
    "sw",
    "evidence",
    "problems",
)
SKIP_PREFIXES = ("/static/", "/media/", "/api/v1/openapi", "/favicon")
# The API's own answers are JSON (tested elsewhere); its documentation page is a page.
API_PAGES = ("/api/v1/docs",)
# Third-party pages swept for errors and the way back, not for their own words: Swagger
# UI's interface text is English by its authors, Django admin's is translated.
THIRD_PARTY = {"/api/v1/docs": "#swagger-ui"}
ADMIN_VISITS = 8  # Django admin: the index and a few change lists and forms


def parameterless_routes() -> list[str]:
    """Every route of the URL conf without a parameter, as a path (no API, no admin)."""
    found: list[str] = []

    def walk(patterns, prefix: str) -> None:
        for p in patterns:
            route = str(p.pattern)
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + route)
            elif isinstance(p, URLPattern):
                full = prefix + route
                if "<" in full or "(" in full or "^" in full or "$" in full:
                    continue
                found.append("/" + full)

    walk(get_resolver().url_patterns, "")
    return [
        path
        for path in dict.fromkeys(found)
        if not path.startswith(("/admin/", "/api/")) and not skipped(path)
    ]


def route_key(path: str) -> str | None:
    """The URL conf route a path belongs to (one visit per route), None when it is
    not one of Pilar's pages."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def skipped(path: str) -> bool:
    if path.startswith(SKIP_PREFIXES):
        return True
    if path.startswith("/api/") and not path.startswith(API_PAGES):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return True
    name = (match.url_name or "").lower()
    words = set(re.split(r"[_\-]", name))
    return any(part in words or part in name.split(":") for part in SKIP_NAME_PARTS) or any(
        part in path.lower() for part in ("/ekspor", "/unduh", ".csv", ".xlsx", ".pdf")
    )


@dataclass
class Finding:
    role: str
    size: str
    url: str
    what: str

    def __str__(self) -> str:
        return f"[{self.role} · {self.size}] {self.url}: {self.what}"


@dataclass
class Sweep:
    """One role's visits at one size in one browser context."""

    role: str
    size: str
    base_url: str
    axe_source: str
    run_axe: bool = True
    shots: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    axe_done: set = field(default_factory=set)

    def fail(self, url: str, what: str) -> None:
        self.findings.append(Finding(self.role, self.size, url, what))

    def local_path(self, href: str) -> str | None:
        parts = urlsplit(urljoin(self.base_url + "/", href))
        base = urlsplit(self.base_url)
        if parts.netloc != base.netloc or parts.scheme not in ("http", "https"):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def run(self, page, start: list[str], limit: int = 400) -> None:
        queue: list[tuple[str, str | None]] = [(path, None) for path in start]
        seen: set[str] = set()
        admin_visits = 0
        while queue and len(self.visited) < limit:
            path, linked_from = queue.pop(0)
            bare = path.split("?", 1)[0]
            if skipped(bare):
                continue
            key = route_key(bare)
            if key is None and linked_from is None:
                key = bare  # an address the test asks for on purpose (the 404 page)
            if key is None or key in seen:
                continue
            if bare.startswith("/admin/"):
                if admin_visits >= ADMIN_VISITS or "/delete/" in bare or "/history/" in bare:
                    continue
                admin_visits += 1
            seen.add(key)
            links = self.visit(page, path, linked_from)
            queue += [(link, path) for link in links]

    def visit(self, page, path: str, linked_from: str | None) -> list[str]:
        url = self.base_url + path
        if linked_from is None:
            # A route of the URL conf may be POST-only (405 to a GET) or a file: ask first,
            # with the page's cookies, and open only pages.
            head = page.request.get(url)
            if head.status == 405 or "text/html" not in head.headers.get("content-type", ""):
                return []
        try:
            response = page.goto(url, wait_until="load")
        except Exception as exc:  # a download or a navigation error
            text = str(exc).splitlines()[0]
            page.wait_for_timeout(500)  # let Chromium's error page settle before the next
            if "Download is starting" in text:
                return []
            self.fail(path, f"does not open: {text}")
            return []
        self.visited.append(path)
        status = response.status if response is not None else 0
        if response is not None and "text/html" not in response.headers.get("content-type", ""):
            return []
        if status >= 500:
            self.fail(path, f"server error {status}")
        elif status in (403, 404) and linked_from is not None:
            self.fail(path, f"a link on {linked_from} leads to {status}")
        if page.url.rstrip("/").endswith("/akun/masuk") and self.role != "anonim":
            self.fail(path, "the session ended (redirected to the login page)")
            return []
        if path.startswith("/lapangan/"):
            # The field app renders itself from JavaScript: wait for its heading.
            page.wait_for_selector("h1", state="attached", timeout=10_000)
        self.check_text(page, path)
        self.check_layout(page, path)
        if self.run_axe:
            self.check_axe(page, path)
        if self.shots is not None:
            name = re.sub(r"[^\w]+", "_", path).strip("_") or "home"
            page.screenshot(path=str(self.shots / f"{self.role}-{self.size}-{name}.png"))
        hrefs = page.eval_on_selector_all(
            "a[href]:not([download]):not([target=_blank])", "els => els.map(e => e.href)"
        )
        links = []
        for href in hrefs:
            local = self.local_path(href)
            if local is not None:
                links.append(local.split("#", 1)[0])
        return links

    def check_text(self, page, path: str) -> None:
        third_party = THIRD_PARTY.get(path.split("?", 1)[0])
        script = (
            "sel => { const c = document.body.cloneNode(true);"
            " if (sel) c.querySelectorAll(sel).forEach(e => e.remove());"
            " c.querySelectorAll('script,style,template').forEach(e => e.remove());"
            " document.documentElement.appendChild(c); c.style.display='block';"
            " const t = c.innerText; c.remove(); return t; }"
        )
        text = page.evaluate(script, third_party)
        found = set(_ENGLISH.findall(text))
        if path.startswith("/admin/"):
            # Django admin's empty option and action menu ("---------") are its own
            # markup, not English; the admin's words are Indonesian (checked above).
            found.discard("---------")
        english = sorted(found)
        if english:
            self.fail(path, f"English text: {english}")
        for pattern in ENGLISH_NUMBERS:
            numbers = sorted(set(pattern.findall(text)))
            if numbers:
                self.fail(path, f"number in English format: {numbers[:5]}")
        lang = page.evaluate("document.documentElement.lang")
        if lang != "id":
            self.fail(path, f'<html lang="{lang}">')

    def check_layout(self, page, path: str) -> None:
        wide = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth,"
            " document.querySelectorAll('h1').length]"
        )
        if wide[0] > wide[1] + 1:
            self.fail(path, f"page wider than the screen ({wide[0]} px > {wide[1]} px)")
        if wide[2] != 1 and not path.startswith("/admin/"):
            self.fail(path, f"{wide[2]} <h1> on the page (one expected)")

    def check_axe(self, page, path: str) -> None:
        key = route_key(path.split("?", 1)[0])
        if key in self.axe_done:
            return
        self.axe_done.add(key)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(content=self.axe_source)
        options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
        third_party = THIRD_PARTY.get(path.split("?", 1)[0])
        context = {"exclude": [[third_party]]} if third_party else {"exclude": []}
        result = page.evaluate(
            "([ctx, opts]) => axe.run(ctx, opts).then(r => r.violations.map(v =>"
            " ({id: v.id, impact: v.impact, help: v.help, n: v.nodes.length,"
            " target: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
            [context, options],
        )
        for violation in result:
            if violation["impact"] in FAILING_IMPACTS:
                self.fail(
                    path,
                    f"axe {violation['impact']} {violation['id']} ({violation['help']}) "
                    f"×{violation['n']}: {violation['target']}",
                )
