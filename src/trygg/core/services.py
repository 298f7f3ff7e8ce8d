"""Writes of organisations and memberships."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from trygg.core import policy
from trygg.core.models import Membership, Organisation, Role, User, role_misfit


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
