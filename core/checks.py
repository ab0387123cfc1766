from django.conf import settings
from django.core.checks import Warning, register


@register(deploy=True)
def proxy_count_with_a_proxy(app_configs, **kwargs):
    """Behind a proxy with PROXY_COUNT=0, every client looks like the proxy: one attacker
    locks every user out, and the audit trail records the proxy's address."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.PROXY_COUNT:
        return [
            Warning(
                "BEHIND_PROXY is set but PROXY_COUNT is 0: lockouts and the audit trail see "
                "the proxy's address instead of the client's.",
                hint="Set PROXY_COUNT to the number of proxies that append X-Forwarded-For.",
                id="csrportal.W001",
            )
        ]
    return []


@register(deploy=True)
def nik_hash_key(app_configs, **kwargs):
    """Households are registered by a keyed hash of their NIK (core.identity): without the
    key they cannot be imported."""
    if not settings.NIK_HASH_KEY:
        return [
            Warning(
                "NIK_HASH_KEY is not set: households cannot be imported.",
                hint="Set NIK_HASH_KEY to a random value of 32+ characters, kept out of the "
                "database and its backups; never change it once households are registered.",
                id="csrportal.W002",
            )
        ]
    return []
