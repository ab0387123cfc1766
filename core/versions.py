"""Version tokens for what is cached across requests but computed from many rows (the needs
suggested for a program read every open need): a cache key carries the token, and whatever
changes those rows takes a new one, so nothing cached under the old token is read again.

A new token is taken at once (this process's next read sees the change, before commit too) and
again on commit (a reader that cached the old rows meanwhile is left behind with its token).

The tokens, by what they version (docs/caching.md lists who reads each):
- "needs": the needs and their figures (a need or priority saved, a pledge approved or
  released, a delivery verified, an import, a ledger repair);
- "reach": where CSR reaches and who could reach further (a company's ring villages, its
  committed programs per pillar, a committed program's kelurahan);
- "filter_choices": the choices the list filters offer (plans, priorities, companies,
  regions, rounds);
- "publishing": how the open data name and class what they publish (a region's IATI
  identifier, an output indicator's sector).
"""

import secrets

from django.core.cache import cache
from django.db import transaction


def current(*names: str) -> str:
    """The current token of each of `names`, as one key part."""
    found = cache.get_many([f"version:{name}" for name in names])
    tokens = []
    for name in names:
        key = f"version:{name}"
        token = found.get(key)
        if token is None:
            cache.add(key, secrets.token_hex(6), None)
            token = cache.get(key)
        tokens.append(str(token))
    return ".".join(tokens)


def bump(name: str) -> None:
    def renew():
        cache.set(f"version:{name}", secrets.token_hex(6), None)

    renew()
    transaction.on_commit(renew)


def bumper(name: str):
    """A signal receiver that takes a new `name` token, whatever the sender."""

    def receiver(sender, **kwargs):
        bump(name)

    return receiver


def watch(name: str, *models) -> None:
    """Take a new `name` token whenever a row of `models` is saved or deleted, whatever the
    entry point (the admin too): for what only the admin or a command changes."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                bumper(name),
                sender=model,
                weak=False,
                dispatch_uid=f"{name}:{model._meta.label}:{signal is post_save}",
            )
