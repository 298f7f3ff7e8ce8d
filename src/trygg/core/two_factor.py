"""The second factor at login: a TOTP app on the phone, with one-time recovery codes.

Devices are django-otp's own models; this module is the only place that writes them.
A person has at most one confirmed TOTP device and one set of recovery codes: turning
the factor on again (a new phone) replaces both once the new device is confirmed.
"""

from __future__ import annotations

import base64
import logging
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from trygg.core import policy

logger = logging.getLogger(__name__)

RECOVERY_CODES = 10
TOTP_NAME = "app"
STATIC_NAME = "recovery"


def is_on(user: Any) -> bool:
    """Whether the person has a confirmed second factor (kept on the user row)."""
    return bool(user.has_second_factor)


def _mark(user: Any, on: bool) -> None:
    get_user_model().objects.filter(pk=user.pk).update(has_second_factor=on)
    user.has_second_factor = on


def pending_device(user: Any) -> TOTPDevice | None:
    """The device being set up and not yet confirmed with a code, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).first()


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def is_required(user: Any) -> bool:
    """Whether this person may not be without a second factor."""
    return settings.TRYGG_SECOND_FACTOR == "required" and policy.needs_second_factor(user)


@transaction.atomic
def totp_start(*, user: Any) -> TOTPDevice:
    """A new unconfirmed device; one started earlier and never confirmed is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


@transaction.atomic
def totp_confirm(*, user: Any, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the device with a code from the app; return new recovery codes, shown once.

    Earlier devices (an old phone) and recovery codes stop working at the same moment.
    """
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError({"token": _("Start again: this set-up is no longer valid.")})
    token = (token or "").strip().replace(" ", "")
    if not (token.isdigit() and len(token) == device.digits and device.verify_token(token)):
        raise ValidationError(
            {"token": _("The code is not right. Enter the six digits the app shows now.")}
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name=STATIC_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    _mark(user, True)
    logger.info("second factor turned on for user %s", user.pk)
    return codes


def second_factor_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code from the app, or else a recovery code, and mark the session verified.

    Six digits go to the app's device, anything else to the recovery codes, so that a
    recovery code does not count as a failed attempt against the app (django-otp slows
    a device down after each failure).
    """
    user = request.user
    token = (token or "").strip().replace(" ", "").replace("-", "").lower()
    if not token:
        return False
    model: type[Any] = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    with transaction.atomic():
        devices = model.objects.select_for_update().filter(user=user, confirmed=True)
        verified = next((d for d in devices if d.verify_token(token)), None)
    if verified is None:
        logger.info("wrong second-factor code for user %s", user.pk)
        return False
    # A fresh session key once fully logged in, as at the password step.
    request.session.cycle_key()
    django_otp.login(request, verified)
    return True


@transaction.atomic
def second_factor_remove(*, user: Any, by: Any) -> int:
    """Turn the second factor off; return how many devices went.

    A person may turn off their own only where it is not required of them; a superuser
    (`trygg manage second_factor_reset` has no person and calls `second_factor_reset`)
    may reset anyone's, for one who has lost the phone.
    """
    if by.pk != user.pk and not by.is_superuser:
        raise ValidationError(
            _("Only the person themselves can turn off their two-step verification.")
        )
    if by.pk == user.pk and is_required(user):
        raise ValidationError(
            _("Your role requires two-step verification, so it cannot be turned off.")
        )
    return second_factor_reset(user=user)


@transaction.atomic
def second_factor_reset(*, user: Any) -> int:
    """Remove every device of a person; they log in with the password alone next time."""
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    _mark(user, False)
    logger.info("second factor removed for user %s", user.pk)
    return removed


def secret_base32(device: TOTPDevice) -> str:
    """The secret as the apps take it when typed, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an SVG QR code, on white for dark themes too."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode")


def qr_data_uri(device: TOTPDevice) -> str:
    """The QR code for an `<img src>`: the CSP allows data: images, not inline SVG styles."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(device).encode()).decode()
