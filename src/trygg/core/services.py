"""Writes of organisations, memberships and personal API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from trygg.core import policy
from trygg.core.models import ApiToken, Membership, Organisation, Role, User, role_misfit


def _check_roles(organisation: Organisation, roles: Iterable[str]) -> None:
    for role in roles:
        if role not in Role.values:
            raise ValidationError({"roles": _("Unknown role: %(role)s") % {"role": role}})
        misfit = role_misfit(role, organisation.kind)
        if misfit:
            raise ValidationError({"roles": misfit})


@transaction.atomic
def membership_set_roles(
    *, by: User, organisation: Organisation, user: User, roles: Iterable[str]
) -> list[str]:
    """Give `user` exactly `roles` among those `by` may hand out; other roles stay as they are.

    An empty set removes the person from the organisation (as far as `by` may).
    """
    wanted = set(roles)
    _check_roles(organisation, wanted)
    grantable = set(policy.grantable_roles(by, organisation))
    if not grantable or not wanted <= grantable:
        raise PermissionDenied
    current = set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    to_remove = (current & grantable) - wanted
    if by.pk == user.pk and Role.ADMINISTRATOR in to_remove:
        raise ValidationError({"roles": _("You cannot remove your own administrator role.")})
    Membership.objects.filter(user=user, organisation=organisation, role__in=to_remove).delete()
    for role in sorted(wanted - current):
        membership = Membership(user=user, organisation=organisation, role=role, granted_by=by)
        membership.full_clean()
        membership.save()
    policy.forget(user)
    return sorted((current - to_remove) | wanted)


@transaction.atomic
def person_invite(
    *,
    by: User,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    roles: Iterable[str],
    domain: str,
    use_https: bool,
) -> User:
    """Add a person by e-mail; someone new gets an account and a link to choose a password."""
    email = User.objects.normalize_email(email.strip()).lower()
    if not email:
        raise ValidationError({"email": _("An e-mail address is required.")})
    roles = set(roles)
    if not roles:
        raise ValidationError({"roles": _("Choose at least one role.")})
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(username=email, email=email, first_name=first_name, last_name=last_name)
        # A random password keeps the account usable for a reset link and unknown to all.
        user.set_password(secrets.token_urlsafe(32))
        user.full_clean()
        user.save()
    current = set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    keep = current & set(policy.grantable_roles(by, organisation))
    membership_set_roles(by=by, organisation=organisation, user=user, roles=keep | roles)
    if created:
        transaction.on_commit(lambda: _send_invitation(email, organisation, domain, use_https))
    return user


def _send_invitation(email: str, organisation: Organisation, domain: str, use_https: bool) -> None:
    form = PasswordResetForm(data={"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="registration/invitation_subject.txt",
            email_template_name="registration/invitation_email.txt",
            extra_email_context={"organisation": organisation.name},
        )


def user_set_language(*, user: User, language: str) -> None:
    user.language = language
    user.full_clean(validate_unique=False)
    user.save(update_fields=["language"])


def login_unlock(*, user: User) -> None:
    """Lift a login lockout once the person has proven who they are by a reset link."""
    from axes.utils import reset

    reset(username=user.get_username())


# API tokens ----------------------------------------------------------------------

# A stolen database must not hand out working tokens: only the digest is kept.
API_TOKEN_BYTES = 32
# Enough for every script and integration a person runs; more is a sign of a leak.
API_TOKENS_PER_USER = 20
# Knowing the day a token was last used is enough; a write per request is not worth it.
API_TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def api_token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the raw token is returned this once and never stored."""
    if ApiToken.objects.filter(user=user).count() >= API_TOKENS_PER_USER:
        raise ValidationError(
            {
                "name": _("You have %(n)d tokens already; revoke one you no longer use.")
                % {"n": API_TOKENS_PER_USER}
            }
        )
    raw = secrets.token_urlsafe(API_TOKEN_BYTES)
    token = ApiToken(user=user, name=name.strip(), key_digest=api_token_digest(raw))
    token.full_clean()
    token.save()
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Delete one of the user's own tokens; someone else's is as unknown as a missing one."""
    deleted, _rows = ApiToken.objects.filter(pk=token_id, user=user).delete()
    if not deleted:
        raise ApiToken.DoesNotExist


def api_token_authenticate(*, raw: str, now: dt.datetime | None = None) -> User | None:
    """The active user a raw bearer token belongs to, or None; notes its use once a minute."""
    if not raw or len(raw) > 256:
        return None
    try:
        token = ApiToken.objects.select_related("user").get(key_digest=api_token_digest(raw))
    except ApiToken.DoesNotExist:
        return None
    if not token.user.is_active:
        return None
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
