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
