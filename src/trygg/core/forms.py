from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    roles = RolesField(label=_("Roles"))

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = roles


class MemberRolesForm(forms.Form):
    roles = RolesField(label=_("Roles"), required=False)

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = roles


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)


def apply_errors(form: Any, error: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Show a service's field errors beside the field, the rest above the form.

    ``aliases`` maps a service's field name to the form field that carries it.
    """
    aliases = aliases or {}
    for name, problems in error.message_dict.items():
        name = aliases.get(name, name)
        target = name if name in form.fields else None
        for problem in problems:
            form.add_error(target, problem)


def preselected(params: Any, name: str, choices: Any) -> dict[str, int]:
    """A form's initial choice from a link's query string, if it is among the choices.

    Anything else is ignored: a link is a convenience, never a reason to refuse the page.
    """
    value = params.get(name, "")
    if value.isdigit() and choices.filter(pk=value).exists():
        return {name: int(value)}
    return {}


class SecondFactorForm(forms.Form):
    """The code at login: six digits from the app, or one of the recovery codes."""

    token = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The six digits your authenticator app shows now, or a recovery code."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if recovery:
            # A recovery code has letters, which a numeric keypad cannot type.
            self.fields["token"].label = _("Recovery code")
            self.fields["token"].help_text = _(
                "One of the recovery codes you saved. Each works once."
            )
            self.fields["token"].widget.attrs.update(inputmode="text", autocomplete="off")


class TotpConfirmForm(forms.Form):
    token = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The six digits the app shows for Trygg after you added it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )
