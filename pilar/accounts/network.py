"""The client's address, read correctly behind a reverse proxy.

Behind nginx or a load balancer every request comes from the proxy's address, so
keying login lockout on REMOTE_ADDR would let anyone lock everyone out (and would
record the proxy in the access log). X-Forwarded-For is believed only when the
request comes from an address listed in PILAR_TRUSTED_PROXIES (addresses or CIDR
networks); the hops are then read from the right, skipping trusted proxies, and the
first untrusted one is the client. A client that sends its own X-Forwarded-For
straight to Pilar changes nothing. Used by django-axes (AXES_CLIENT_IP_CALLABLE), the
per-address login limit, the API rate limit and the access log.
"""

from __future__ import annotations

import functools
import ipaddress

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def is_trusted_proxy(address: str) -> bool:
    parsed = _parse(address)
    if parsed is None:
        return False
    networks = _networks(tuple(settings.PILAR_TRUSTED_PROXIES))
    return any(parsed in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the client that sent ``request`` (None if unknown)."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or ""
    if not is_trusted_proxy(remote):
        return remote or None
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    client = remote
    for hop in reversed([h for h in hops if h]):
        if _parse(hop) is None:
            break  # a malformed hop: trust nothing further left of it
        client = hop
        if not is_trusted_proxy(hop):
            break
    return client or None
