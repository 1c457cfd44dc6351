"""Response headers every page and API answer carries.

- Content-Security-Policy: scripts only from this site (the vendored libraries and
  the apps' static files; no inline script, no eval: Alpine is its CSP build), no
  plugins, no framing, forms post only here. Styles may still be inline
  (``style="..."`` attributes, htmx's indicator style): a style cannot run code.
  PILAR_CSP replaces the whole policy; PILAR_CSP_REPORT_ONLY sends it as
  Content-Security-Policy-Report-Only to try a change without breaking pages.
- Cache-Control: no-store on every response that does not set its own: pages and
  API answers carry NIKs, names and addresses, which no shared proxy or browser
  history cache may keep. Static files never reach this middleware (WhiteNoise
  answers them earlier, with long-lived caching).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control

DEFAULT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.PILAR_CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if not response.has_header(header):
            response[header] = settings.PILAR_CSP or DEFAULT_CSP
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_store=True, private=True)
        return response
