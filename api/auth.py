"""A token in the Authorization header (`Bearer csr_...`): the request is its person's
(api.tokens.token_for), `request.auth` the token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from .tokens import token_for


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() != b"bearer":
            return None
        try:
            key = words[1].decode("ascii") if len(words) == 2 else ""
        except UnicodeDecodeError:
            key = ""
        token = token_for(key) if key else None
        if token is None:
            raise exceptions.AuthenticationFailed
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema says it (drf-spectacular finds it by its target)."""

    target_class = "api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token made on the portal's API tokens page (csr_...).",
        }
