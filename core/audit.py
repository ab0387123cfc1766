"""The audit trail: who changed what, when, from which address, with old and new values.

Saves and deletions of the models each app `track`s (in its AppConfig.ready) are recorded by
django-auditlog, whatever the entry point: a portal page, the admin, a command.
What a model save cannot see goes through `record`: counters moved with F() under a lock (a
need's pledged quantity at an approval), rows written in bulk (an import), sign-ins. The
request's user and client address (core.middleware.AuditMiddleware) are added to each entry.
Entries are never edited or deleted through the portal or the admin.
"""

from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from auditlog.context import auditlog_disabled, auditlog_value, set_actor
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q
from django.utils.encoding import smart_str
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .money import EMPTY

Action = LogEntry.Action
# Bookkeeping columns that change on every save and tell nobody anything.
UNTRACKED = {"updated_at", "updated_by", "last_login"}


def track(
    model: type[Model],
    *,
    m2m: Iterable[str] = (),
    mask: Iterable[str] = (),
    skip: Iterable[str] = (),
) -> None:
    """Record every save and deletion of `model`: its own columns (old and new values) but
    those in `skip` (a copy kept elsewhere), and the many-to-many fields named in `m2m`;
    `mask` hides secrets (a password's hash)."""
    skipped = UNTRACKED | set(skip)
    columns = [f.name for f in model._meta.concrete_fields if f.name not in skipped]
    auditlog.register(model, include_fields=columns, m2m_fields=set(m2m), mask_fields=list(mask))


def _extra(instance: Model, data: dict | None) -> dict | None:
    own = getattr(instance, "get_additional_data", None)
    merged = {**(own() if callable(own) else {}), **(data or {})}
    return merged or None


def _as_text(value) -> str:
    return EMPTY if value is None or value == "" else smart_str(value)


@contextmanager
def acting(user):
    """Within it, entries name `user`: for a request whose person is known only once its view
    has read a token (the API), after auditlog's middleware ran. The middleware's context
    (its address, its signal receiver) is kept with the actor replaced, and restored on exit:
    nesting auditlog's set_actor would leave a receiver connected per request."""
    context = auditlog_value.get(None)
    if not context or "signal_duid" not in context:  # no request around: auditlog's own
        with set_actor(user):
            yield
        return
    token = auditlog_value.set({**context, "actor": user})
    try:
        yield
    finally:
        auditlog_value.reset(token)


def record(
    instance: Model,
    *,
    by,
    changes: dict[str, tuple],
    action: int = Action.UPDATE,
    data: dict | None = None,
) -> LogEntry | None:
    """Record one change of `instance` that no model save announces.

    `changes` maps field names to (old, new); `data` says why (e.g. {"transition": "approved"})
    and is kept with the entry. Like the library's own records, nothing is written while
    auditlog is disabled (the demo seed).
    """
    if auditlog_disabled.get():
        return None
    return LogEntry.objects.log_create(
        instance,
        force_log=True,
        action=action,
        actor=by if getattr(by, "is_authenticated", False) else None,
        changes={name: [_as_text(old), _as_text(new)] for name, (old, new) in changes.items()},
        additional_data=_extra(instance, data),
    )


def record_many(
    changed: Iterable[tuple[Model, int, dict[str, tuple]]], *, by, data: dict | None = None
) -> int:
    """`record` for many objects at once (an import of thousands of rows): one INSERT per
    thousand entries. Each item is (instance, action, changes)."""
    if auditlog_disabled.get():
        return 0
    context = auditlog_value.get({})
    entries = []
    content_types: dict[type, ContentType] = {}
    for instance, action, changes in changed:
        model = type(instance)
        content_types.setdefault(model, ContentType.objects.get_for_model(model))
        entries.append(
            LogEntry(
                content_type=content_types[model],
                object_pk=str(instance.pk),
                object_id=instance.pk,
                object_repr=smart_str(instance)[:1000],
                action=action,
                actor=by if getattr(by, "is_authenticated", False) else None,
                actor_email=getattr(by, "email", None),
                changes={k: [_as_text(old), _as_text(new)] for k, (old, new) in changes.items()},
                additional_data=_extra(instance, data),
                remote_addr=context.get("remote_addr"),
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=1000)
    return len(entries)


def history(
    instance: Model,
    *,
    parts: Iterable[type | str] = (),
    since: datetime | None = None,
    limit: int = 200,
):
    """The entries of `instance` and of its parts (models, or "app_label.Model" for an app
    above the caller's), newest first; only those made from `since` on, if given.

    A part is a model whose entries name their owner in their data under the owner's model
    name (a pledge's entries carry {"program": id}), so a deleted pledge still shows in its
    program's history. PostgreSQL indexes that key (programs migration 0004).
    """
    own = ContentType.objects.get_for_model(instance)
    # auditlog keeps an integer key in object_id, any other (a code) only in object_pk.
    if isinstance(instance.pk, int):
        query = Q(content_type=own, object_id=instance.pk)
    else:
        query = Q(content_type=own, object_pk=str(instance.pk))
    parts = [
        ContentType.objects.get_for_model(apps.get_model(part) if isinstance(part, str) else part)
        for part in parts
    ]
    if parts:
        key = f"additional_data__{instance._meta.model_name}"
        query |= Q(content_type__in=parts, **{key: instance.pk})
    if since is not None:
        query &= Q(timestamp__gte=since)
    return (
        LogEntry.objects.filter(query)
        .select_related("actor", "content_type")
        .order_by("-timestamp", "-pk")[:limit]
    )


@dataclass
class Change:
    label: str
    old: str
    new: str


ACTION_LABELS = {
    Action.CREATE: gettext_lazy("created"),
    Action.UPDATE: gettext_lazy("changed"),
    Action.DELETE: gettext_lazy("deleted"),
    Action.ACCESS: gettext_lazy("signed in or out, or read personal data"),
}


def describe(entry: LogEntry) -> list[Change]:
    """An entry's changes for people: field labels in the interface language, choices by
    their label, empty values as a dash (never "None")."""
    rows = []
    for label, values in entry.changes_display_dict.items():
        if isinstance(values, dict):  # a many-to-many change: objects added or removed
            verb = _("added") if values.get("operation") == "add" else _("removed")
            rows.append(Change(str(label), verb, ", ".join(values.get("objects", []))))
            continue
        old, new = [*values, None, None][:2]
        rows.append(
            Change(
                str(label),
                EMPTY if old in (None, "", "None") else str(old),
                EMPTY if new in (None, "", "None") else str(new),
            )
        )
    return rows


def _signed_in(sender, request, user, **kwargs):
    record(user, by=user, action=Action.ACCESS, changes={}, data={"event": "login"})


def _signed_out(sender, request, user, **kwargs):
    if user is not None:
        record(user, by=user, action=Action.ACCESS, changes={}, data={"event": "logout"})


def connect_sign_in_records() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="audit_login")
    user_logged_out.connect(_signed_out, dispatch_uid="audit_logout")


def personal_data_seen(*, by, units: Iterable[int], why: str, about: Model) -> None:
    """Record that `by` was shown the personal data of the households `units` (ids) on the
    page of `about` (a need, a unit), and why (the page's purpose): one entry a page view
    (UU 27/2022), kept with the user's own entries (as sign-ins are), so that the histories
    of needs show their changes, not their readers. Who saw a household: the entries whose
    data lists it (PostgreSQL: `additional_data__units__contains`)."""
    ids = sorted(units)
    if ids:
        record(
            by,
            by=by,
            action=Action.ACCESS,
            changes={},
            data={
                "personal_data": why,
                "units": ids,
                "about": f"{about._meta.label_lower}:{about.pk}",
            },
        )
