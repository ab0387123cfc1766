"""The client's address, seen through the deployment's trusted proxies."""

import ipaddress

from django.conf import settings


def _valid(address: str) -> bool:
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return False
    return True


def client_ip(request) -> str | None:
    """The address of the client that made `request`.

    With no proxy (PROXY_COUNT=0) it is the socket's peer, REMOTE_ADDR, and X-Forwarded-For is
    ignored: any client can write that header. Behind PROXY_COUNT trusted proxies, each of
    which appends the address it received the request from (nginx's
    $proxy_add_x_forwarded_for), the client is the PROXY_COUNT-th address from the right:
    whatever a client forges stands further left and is never read. A request that did not
    pass through the proxies (too few addresses) falls back to REMOTE_ADDR.

    Login throttling (axes, AXES_CLIENT_IP_CALLABLE) and the audit trail both use this.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count and _valid(forwarded[-count]):
            return forwarded[-count]
    return remote if _valid(remote) else None
