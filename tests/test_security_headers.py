"""Security headers: a strict Content-Security-Policy and a Permissions-Policy on every page, nothing
inline for the policy to block (in the templates or in what the pages render), and no compression of
HTML by the application (BREACH)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from raci.insights.svg import venn_svg
from raci.insights.views.analyses import HeatCell
from raci.management.demo import demo_seed
from raci.matrices.models import Task
from raci.security_headers import permissions_policy

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"

PERMISSIONS = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=()"
)
# The policy, directive by directive; every page gets exactly this one.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


def directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


class InlineFinder(HTMLParser):
    """What a page renders that the policy would block: inline scripts and styles, style attributes,
    event handler attributes, javascript: URLs."""

    DATA_SCRIPTS = {"application/json", "application/ld+json"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and values.get("type") not in self.DATA_SCRIPTS:
            self.found.append(f"<script> without src at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"<style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name == "style" or name.startswith(("on", "hx-on")):
                self.found.append(f"<{tag} {name}=...> at line {self.getpos()[0]}")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:...> at line {self.getpos()[0]}")

    handle_startendtag = handle_starttag


def inline_content(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    finder.close()
    return finder.found


@pytest.fixture
def demo(db):
    return demo_seed()


def page_urls(demo) -> list[str]:
    organization, matrix = demo.organization, demo.matrix
    m = f"/o/acme/m/{matrix.pk}/"
    task = Task.objects.get(matrix=matrix, name="Market problems")
    return [
        "/orgs/new/",
        "/o/acme/",
        m,
        f"/o/acme/people/{organization.people.get(name='Ana Alvarez').pk}/",
        f"/o/acme/roles/{organization.roles.get(code='PM').pk}/",
        f"{m}t/{task.pk}/",
        "/o/acme/search/?q=pricing",
        f"{m}overlap/",
        f"{m}workload/",
        f"{m}what-if/?remove_role=PM",
        f"{m}revisions/",
        f"{m}revisions/1/",
        f"{m}revisions/compare/",
        f"{m}history/",
        f"{m}settings/",
        f"{m}import/",
        "/o/acme/adopt/",
        "/o/acme/new/",
        "/o/acme/new/table/",
        "/o/acme/settings/roles/",
        "/o/acme/settings/people/",
        "/o/acme/settings/members/",
        "/o/acme/settings/webhooks/",
        "/account/tokens/",
        "/accounts/password/change/",
        "/me/",
        "/api/docs/",
        "/api/v1/orgs/",
        f"/api/v1/orgs/acme/matrices/{matrix.pk}/grid/",
    ]


def check_headers(response, url: str) -> list[str]:
    problems = []
    header = response.headers.get("Content-Security-Policy")
    if header is None:
        return [f"{url}: no Content-Security-Policy"]
    policy = directives(header)
    if policy != POLICY:
        problems.append(f"{url}: policy {header!r}")
    for directive in ("script-src", "style-src", "default-src"):
        if "unsafe" in policy.get(directive, ""):
            problems.append(f"{url}: {directive} {policy[directive]}")
    if response.headers.get("Permissions-Policy") != PERMISSIONS:
        problems.append(f"{url}: Permissions-Policy {response.headers.get('Permissions-Policy')!r}")
    # The headers that were there before stay.
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{url}: no X-Content-Type-Options")
    if response.headers.get("Referrer-Policy") != "same-origin":
        problems.append(f"{url}: no Referrer-Policy")
    if response.headers.get("X-Frame-Options") != "DENY":
        problems.append(f"{url}: no X-Frame-Options")
    return problems


def test_every_page_and_endpoint_carries_the_policies_and_renders_nothing_inline(client, demo):
    client.force_login(demo.organization.memberships.get(user__username="demo").user)
    problems = []
    for url in page_urls(demo):
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"{url}: {response.status_code}")
            continue
        problems += check_headers(response, url)
        if response["Content-Type"].startswith("text/html"):
            problems += [f"{url}: {found}" for found in inline_content(response.content.decode())]
    assert problems == []


@pytest.mark.django_db
def test_signed_out_pages_and_errors_carry_the_policies_too():
    client = Client()
    for url, status in (
        ("/accounts/login/", 200),
        ("/o/acme/", 302),
        ("/no/such/page/", 404),
        ("/api/v1/orgs/", 401),
        ("/api/docs/", 200),
    ):
        response = client.get(url)
        assert response.status_code == status, url
        assert check_headers(response, url) == []
        if status == 200:
            assert inline_content(response.content.decode()) == [], url


def test_the_api_docs_start_swagger_ui_from_a_file(client, demo):
    page = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts
    assert all(' src="/static/' in tag for tag in scripts), scripts
    assert 'src="/static/js/api-docs.js"' in page
    assert 'data-schema-url="/api/schema/"' in page
    # The configuration Swagger UI gets, as JSON in an attribute.
    assert 'data-settings="{\n  &quot;deepLinking&quot;: true,' in page
    assert client.get("/static/js/api-docs.js").status_code == 200


def test_no_template_has_inline_scripts_styles_or_handlers():
    """The policy blocks them, so none may come back: scripts and styles go in static/ files,
    shades and positions in classes (see the workload heat map), handlers in addEventListener."""
    comment = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.DOTALL)
    checks = {
        "style attribute": re.compile(r"(?<![\w-])style\s*=", re.IGNORECASE),
        "<style> element": re.compile(r"<style\b", re.IGNORECASE),
        "<script> without src": re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE),
        "event handler attribute": re.compile(r"(?<![\w:.-])on[a-z]+\s*=", re.IGNORECASE),
        "hx-on attribute (eval)": re.compile(r"\bhx-on", re.IGNORECASE),
        "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
    }
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    found = []
    for path in templates:
        text = comment.sub("", path.read_text())
        for what, pattern in checks.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_the_template_scan_would_catch_each_kind():
    # The HTML check on rendered pages, against one of each.
    html = (
        '<p style="color: red">x</p><script>alert(1)</script><script src="/a.js"></script>'
        '<script type="application/json">{}</script><style>p {}</style><a href="javascript:x()">x</a>'
        '<button onclick="x()">x</button><div hx-on:click="x()"></div>'
    )
    assert len(inline_content(html)) == 6


def test_the_venn_diagram_uses_presentation_attributes_not_styles():
    svg = venn_svg(a_label="PM", b_label="PMM", only_a=2, shared=1, only_b=3)
    assert "style" not in svg
    assert inline_content(svg) == []


@pytest.mark.parametrize(
    ("level", "shade"),
    [
        (0.0, "heat-0"),
        (0.01, "heat-1"),
        (0.14, "heat-1"),
        (0.5, "heat-5"),
        (0.96, "heat-10"),
        (1.0, "heat-10"),
    ],
)
def test_heat_map_cells_get_a_shade_class(level, shade):
    assert HeatCell("1", level).shade == shade


def test_the_workload_heat_map_shades_with_classes_the_stylesheet_defines(client, demo):
    client.force_login(demo.organization.memberships.get(user__username="demo").user)
    page = client.get(f"/o/acme/m/{demo.matrix.pk}/workload/").content.decode()
    classes = re.findall(r'<td class="num (heat-\d+)" data-level="([\d.]+)">', page)
    assert classes
    for shade, level in classes:
        assert shade == HeatCell("", float(level)).shade
    # Each column's largest value has the deepest shade; nothing at all has none.
    assert ("heat-10", "1.0") in classes
    assert ("heat-0", "0.0") in classes
    css = (ROOT / "static" / "css" / "insights.css").read_text()
    for n in range(1, 11):
        assert f"table.heat td.heat-{n} {{ background-color: rgba(36, 87, 197, " in css


def test_htmx_injects_no_indicator_style(client, demo):
    page = client.get("/accounts/login/").content.decode()
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles": false}'>""" in page
    assert ".htmx-indicator {" in (ROOT / "static" / "css" / "base.css").read_text()


def test_html_is_not_compressed_by_the_application(client, demo):
    """BREACH: pages reflect the CSRF token and what the user typed, so the application compresses
    no HTML (the README says to leave it to a proxy only knowingly); whitenoise compresses static files."""
    assert not any("GZip" in middleware for middleware in settings.MIDDLEWARE)
    client.force_login(demo.organization.memberships.get(user__username="demo").user)
    response = client.get("/o/acme/search/?q=pricing", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers


def test_permissions_policy_header_from_the_setting():
    assert permissions_policy(settings.PERMISSIONS_POLICY) == PERMISSIONS
    assert permissions_policy({"camera": [], "usb": ["self"]}) == "camera=(), usb=(self)"
