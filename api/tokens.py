"""Making, finding and revoking API tokens (api.models.ApiToken): the one place they change,
each change in the audit trail (never the key)."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, permissions

from .models import ApiToken

# Live tokens a person may hold at once (a system each, not one per request).
MAX_LIVE = 10
# last_used_at is written at most this often per token (not on every request).
USE_RECORDED_EVERY = timedelta(minutes=1)
KEY_PREFIX = "csr_"


def digest(key: str) -> str:
    """A key's SHA-256: the key is 256 random bits, so a plain digest is safe to keep."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user, company, name: str, files_reports: bool = False) -> tuple[ApiToken, str]:
    """A new token of `user` (for `company`, or for their own reach when None) and its key,
    to be shown once; `files_reports`: it also files the company's report drafts. Refused
    (PermissionDenied) when they may not hold one, ValidationError past MAX_LIVE."""
    company_id = company.pk if company else None
    if not permissions.may_hold_api_token(user, company_id):
        raise PermissionDenied
    if files_reports and company is None:
        raise ValidationError(_("Only a company's token files its reports."))
    # The person's row locked: two requests at once count one after the other.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    live = ApiToken.objects.filter(user=user).live()
    if len(live) >= MAX_LIVE:
        raise ValidationError(
            _("You hold %(count)s live tokens already: revoke one first.") % {"count": MAX_LIVE}
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        company=company,
        name=name,
        files_reports=files_reports,
        prefix=key[:8],
        digest=digest(key),
    )
    audit.record(
        token,
        by=user,
        action=audit.Action.CREATE,
        changes={
            "name": (None, name),
            "company": (None, company),
            "files_reports": (None, files_reports),
        },
    )
    return token, key


def token_revoke(*, token: ApiToken, by) -> None:
    """`by` revokes their own token: it reads nothing from then on."""
    if token.user_id != by.pk:
        raise PermissionDenied
    now = timezone.now()
    if ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now):
        audit.record(token, by=by, changes={"revoked_at": (None, now)})


def token_for(key: str) -> ApiToken | None:
    """The live token of `key` whose person is still active, or None; its use recorded at
    most once a minute."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = (
        ApiToken.objects.live()
        .select_related("user")
        .filter(digest=digest(key), user__is_active=True)
        .first()
    )
    if token is not None:
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > USE_RECORDED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def revoke_tokens(tokens, *, by, why: str = "") -> int:
    """Revoke the live ones of `tokens` (a queryset): an operator's action (`by`), or a person
    losing what they read with (`by` None, `why` said). Each in the audit trail. Returns how
    many."""
    now = timezone.now()
    found = list(tokens.live())
    ApiToken.objects.filter(pk__in=[t.pk for t in found]).update(revoked_at=now)
    for token in found:
        audit.record(
            token, by=by, changes={"revoked_at": (None, now)}, data={"why": why} if why else None
        )
    return len(found)


def revoke_lost(*, user_id: int, company_id: int | None = None) -> int:
    """Revoke the tokens of a person who lost what they read with: a company's membership
    (its tokens), or their account (all). The change that caused it is recorded itself."""
    lost = ApiToken.objects.filter(user_id=user_id)
    if company_id is not None:
        lost = lost.filter(company_id=company_id)
    return revoke_tokens(lost, by=None, why="lost")


def _membership_gone(sender, instance, **kwargs):
    revoke_lost(user_id=instance.user_id, company_id=instance.company_id)


def _account_saved(sender, instance, **kwargs):
    if not instance.is_active:
        revoke_lost(user_id=instance.pk)
