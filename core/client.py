"""What the request says about who sent it: the client address, its block, the user agent."""

import hashlib
import hmac
import ipaddress

from django.conf import settings


def client_ip(request):
    """The reader's address.

    Behind a proxy (BEHIND_PROXY), REMOTE_ADDR is the proxy's, the same for
    every reader; the proxy appends the address it saw to X-Forwarded-For,
    so the last entry is the one to trust (earlier ones are whatever the
    client sent, and may be forged).
    """
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            pass  # No header, or not an address: the proxy's own is better than a 500.
    return request.META.get("REMOTE_ADDR") or None


def user_agent(request):
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def address_block(address):
    """The block of addresses one reader can easily move within: an IPv4 address, or an IPv6 /64.

    An ISP hands a home a whole IPv6 /64 (2^64 addresses), so counting
    single IPv6 addresses would let one person report as many readers as
    they like. An IPv4-mapped IPv6 address is its IPv4 address.
    """
    try:
        parsed = ipaddress.ip_address(address or "")
    except ValueError:
        return None
    if parsed.version == 6 and parsed.ipv4_mapped:
        parsed = parsed.ipv4_mapped
    if parsed.version == 4:
        return str(parsed)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


def block_key(block):
    """A keyed digest of an address block: it tells two reports from one block apart without keeping the address."""
    if block is None:
        return ""
    return hmac.new(settings.SECRET_KEY.encode(), f"reports:{block}".encode(), hashlib.sha256).hexdigest()[:32]


def block_label(block):
    """The block as a moderator may see it: 203.0.113.x, or 2001:db8:1:… for an IPv6 /64."""
    if block is None:
        return ""
    if "/" not in block:
        return block.rsplit(".", 1)[0] + ".x"
    groups = ipaddress.ip_network(block).network_address.exploded.split(":")[:3]
    return ":".join(group.lstrip("0") or "0" for group in groups) + ":…"
