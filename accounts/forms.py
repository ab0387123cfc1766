from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class _BoundedUsername:
    """A username longer than any account's is refused as a failed sign-in, before it reaches
    the authentication backends (Django sets the field's max_length without its validator)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))

    def clean(self):
        if "username" not in self.cleaned_data and self.data.get("username"):
            self.errors.pop("username", None)
            raise self.get_invalid_login_error()
        return super().clean()


class LoginForm(_BoundedUsername, AuthenticationForm):
    pass


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    pass
