"""The portal's page where a person makes and revokes their API tokens."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from .forms import TokenForm
from .models import ApiToken
from .tokens import MAX_LIVE, token_create, token_revoke

# The tokens listed, newest first (MAX_LIVE live ones at most; the revoked after them).
LISTED = 50


class TokenListView(LoginRequiredMixin, TemplateView):
    template_name = "api/tokens.html"

    def get_context_data(self, form=None, key=None, **kwargs):
        tokens = ApiToken.objects.filter(user=self.request.user).select_related("company")
        return super().get_context_data(
            form=form or TokenForm(user=self.request.user),
            tokens=tokens[:LISTED],
            key=key,
            max_live=MAX_LIVE,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = TokenForm(request.POST, user=request.user)
        key = None
        if form.is_valid():
            try:
                _token, key = token_create(
                    user=request.user,
                    company=form.cleaned_data["company"],
                    name=form.cleaned_data["name"],
                    files_reports=form.cleaned_data.get("files_reports", False),
                )
            except ValidationError as error:
                form.add_error(None, error)
        # The key is shown in this answer only (never stored, never shown again).
        response = self.render_to_response(self.get_context_data(form=form, key=key))
        response["Cache-Control"] = "no-store"
        return response


class TokenRevokeView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        token_revoke(token=token, by=request.user)
        messages.success(request, _("The token %(name)s is revoked.") % {"name": token.name})
        return redirect("tokens:list")


app_name = "tokens"
urlpatterns = [
    path("", TokenListView.as_view(), name="list"),
    path("<int:pk>/revoke/", TokenRevokeView.as_view(), name="revoke"),
]
