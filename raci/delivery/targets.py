"""Where a webhook may go: public addresses only, checked at registration and at connect time.

Anyone may create an organization and register a webhook, and the delivery log shows what
happened, so a URL pointing inside the network (``127.0.0.1``, ``169.254.169.254``, ``10.0.0.5``,
``[::1]``, or the same in another notation: ``0x7f.1``, ``2130706433``, ``017700000001``,
``127.1``, ``[::ffff:127.0.0.1]``) would let any user probe internal services. So:

- ``target_resolve(url)`` turns the URL's host into addresses once (IP literals in any notation
  without DNS; names through ``resolve_host``, the one resolver) and refuses the target
  (``TargetRefused``) if ANY of them is not a public address. IPv6 addresses carrying an IPv4
  address (``::ffff:a.b.c.d``, 6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``) are judged by it.
- Registration (raci.delivery.webhooks) refuses such a URL, and a host that does not resolve.
- Sending (raci.delivery.sending) resolves again, checks, and connects to the address it checked
  (``pinned_connection``): no second lookup a rebinding DNS server could answer differently. The
  request keeps the URL's host in ``Host`` and, over HTTPS, in SNI and certificate verification.

``WEBHOOK_ALLOW_PRIVATE_TARGETS`` (off by default) lets loopback and private-network addresses
through, for self-hosted installations whose receivers are on the same network. Link-local
(where cloud metadata services answer), multicast, unspecified and reserved addresses are refused
even then.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.conf import settings

__all__ = [
    "Target",
    "TargetRefused",
    "TargetUnresolved",
    "address_refusal",
    "pinned_connection",
    "resolve_host",
    "target_refusal",
    "target_resolve",
]

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

PUBLIC_ONLY = "webhooks go to public addresses only."

# Private networks a self-hosted installation may allow (WEBHOOK_ALLOW_PRIVATE_TARGETS): RFC 1918,
# the carrier-grade NAT range (RFC 6598), unique local IPv6 (RFC 4193) and the deprecated site-local.
_PRIVATE_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7", "fec0::/10")
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class TargetRefused(Exception):
    """The URL points where webhooks may not go; the message says why, for the owner."""


class TargetUnresolved(Exception):
    """The URL's host has no address right now (no such name, or DNS did not answer)."""


@dataclass(frozen=True)
class Target:
    """A URL taken apart, with the addresses it resolved to (every one checked)."""

    scheme: str
    host: str  # as written in the URL (lowercased, no brackets): the Host header and the TLS name
    port: int
    path: str  # path and query, percent-encoded, never empty
    addresses: tuple[str, ...]
    literal: bool  # the host is an IP address (in whatever notation)

    @property
    def tls_name(self) -> str:
        """The name TLS sends (SNI) and verifies the certificate against."""
        return self.addresses[0] if self.literal else self.host


# Resolving ---------------------------------------------------------------------------------


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (the one place a name is looked up).

    Raises ``socket.gaierror`` when it does not resolve.
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    addresses: list[str] = []
    for *_, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    return addresses


def _literal(host: str) -> Address | None:
    """The address if ``host`` is an IP literal, in any notation the C library's inet_aton reads:
    ``127.0.0.1``, ``127.1``, ``0x7f.1``, ``2130706433``, ``017700000001``; ``::1`` and kin."""
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if ":" in host or not host or not all(ch.isalnum() or ch == "." for ch in host):
        return None
    if not host[0].isdigit():
        return None  # a name (inet_aton forms all start with a digit: 0x…, 0…, 1…)
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


# Classifying -------------------------------------------------------------------------------


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for: IPv4-mapped, 6to4 or NAT64 (well-known prefix)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _kind(address: Address) -> tuple[str, Address] | None:
    """What kind of non-public address this is (and the address judged), or None if public."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id:
            address = ipaddress.IPv6Address(str(address).split("%", 1)[0])
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return _kind(embedded)
    if address.is_unspecified:
        return "unspecified", address
    if address.is_loopback:
        return "loopback", address
    if address.is_link_local:
        return "link-local", address
    if address.is_multicast:
        return "multicast", address
    if any(address in network for network in _PRIVATE_NETWORKS if network.version == address.version):
        return "private", address
    if address.is_reserved or address.is_private or not address.is_global:
        return "reserved", address
    return None


# What an address is, said of an address the owner wrote (an IP literal, shown back to them)...
_REASONS = {
    "unspecified": "is the unspecified address, which means this server",
    "loopback": "points at this server itself",
    "link-local": "is a link-local address, where cloud metadata services answer",
    "multicast": "is a multicast address",
    "private": "points inside a private network",
    "reserved": "is reserved for special use, not a public address",
}
# ... and of what a name resolved to, without the address: the refusal must not turn this server
# into a way to read the internal DNS.
_RESOLVES_TO = {
    "unspecified": "the unspecified address, which means this server",
    "loopback": "this server itself",
    "link-local": "a link-local address, where cloud metadata services answer",
    "multicast": "a multicast address",
    "private": "an address inside a private network",
    "reserved": "an address reserved for special use, not a public one",
}
_ALLOWED_WHEN_PRIVATE_ALLOWED = {"loopback", "private"}


def address_refusal(address: str, *, host: str | None = None) -> str | None:
    """Why webhooks may not go to ``address`` (a message for the owner), or None if they may.

    ``host``: the name that resolved to ``address``; the message then names the kind of address,
    not the address itself.
    """
    parsed = ipaddress.ip_address(address)
    found = _kind(parsed)
    if found is None:
        return None
    kind, judged = found
    if kind in _ALLOWED_WHEN_PRIVATE_ALLOWED and getattr(settings, "WEBHOOK_ALLOW_PRIVATE_TARGETS", False):
        return None
    if host is not None:
        return f"{host} resolves to {_RESOLVES_TO[kind]}; {PUBLIC_ONLY}"
    shown = str(judged) if judged == parsed else f"{parsed}, that is {judged}"
    return f"This address ({shown}) {_REASONS[kind]}; {PUBLIC_ONLY}"


def _path(path: str, query: str) -> str:
    """What goes on the request line: the path (``/`` if empty) and query, non-ASCII percent-encoded."""
    target = (path or "/") + (f"?{query}" if query else "")
    return quote(target, safe="!#$%&'()*+,/:;=?@[]~")


_NO_ADDRESS = "The host {host} does not resolve to any address; check its spelling."


def target_resolve(url: str) -> Target:
    """Resolve the URL's host once and check every address.

    Raises ``TargetRefused`` (a URL webhooks may not go to: wrong scheme, credentials, a non-public
    address) or ``TargetUnresolved`` (no address: a name that does not exist, DNS not answering).
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise TargetRefused("This is not a valid URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise TargetRefused("Only http:// and https:// URLs are accepted.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Credentials in the URL are not accepted; receivers check the signature instead.")
    host = parts.hostname or ""
    if not host.strip("."):
        raise TargetRefused("The URL needs a host, as in https://hooks.example.com/raci.")
    if port is None:
        port = 443 if scheme == "https" else 80
    literal = _literal(host.rstrip("."))
    if literal is not None:
        addresses = [str(literal)]
    else:
        try:
            addresses = resolve_host(host, port)
        except (socket.gaierror, UnicodeError) as failure:
            if isinstance(failure, socket.gaierror) and failure.errno == socket.EAI_AGAIN:
                raise TargetUnresolved(
                    f"The host {host} could not be looked up just now (DNS did not answer); try again."
                ) from None
            raise TargetUnresolved(_NO_ADDRESS.format(host=host)) from None
        if not addresses:
            raise TargetUnresolved(_NO_ADDRESS.format(host=host))
    for address in addresses:
        refusal = address_refusal(address, host=None if literal is not None else host)
        if refusal is not None:
            raise TargetRefused(refusal)
    return Target(
        scheme=scheme,
        host=host,
        port=port,
        path=_path(parts.path, parts.query),
        addresses=tuple(addresses),
        literal=literal is not None,
    )


def target_refusal(url: str) -> str | None:
    """Why webhooks may not be registered at ``url`` (for the owner), or None if they may.

    A host that does not resolve is refused too: there is nothing to check, and it is most often
    a typo.
    """
    try:
        target_resolve(url)
    except TargetRefused as refusal:
        return str(refusal)
    except TargetUnresolved as failure:
        return str(failure)
    return None


# Connecting --------------------------------------------------------------------------------


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to addresses already checked: the URL's host is only the Host header."""

    def __init__(self, target: Target, *, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self._target = target

    def _connect_pinned(self) -> socket.socket:
        deadline = time.monotonic() + self.timeout
        last: OSError | None = None
        for address in self._target.addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                sock = socket.create_connection((address, self.port), timeout=remaining)
            except OSError as failure:
                last = failure
                continue
            sock.settimeout(self.timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        raise last or TimeoutError("timed out")

    def connect(self) -> None:
        self.sock = self._connect_pinned()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def __init__(self, target: Target, *, timeout: float, context: ssl.SSLContext | None = None):
        super().__init__(target, timeout=timeout)
        self._context = context or ssl.create_default_context()

    def connect(self) -> None:
        sock = self._connect_pinned()
        self.sock = self._context.wrap_socket(sock, server_hostname=self._target.tls_name)


def pinned_connection(target: Target, *, timeout: float) -> http.client.HTTPConnection:
    """A connection that goes to ``target.addresses`` (checked), never to a fresh lookup of the host;
    HTTPS verifies the certificate against the URL's host."""
    if target.scheme == "https":
        return _PinnedHTTPSConnection(target, timeout=timeout)
    return _PinnedHTTPConnection(target, timeout=timeout)
