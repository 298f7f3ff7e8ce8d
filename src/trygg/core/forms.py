from django import forms
from django.conf import settings
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
