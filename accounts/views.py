"""The login page: Django's, with the demo accounts refused under production settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, resolve_url

from core.registry import landing

from .access import user_role
from .forms import DEMO_ACCOUNT_ERROR, LoginForm


def start_url(user) -> str:
    """Where a user's work is: the page their role registered (core.registry.landing)."""
    return resolve_url(landing.url_name(user_role(user)) or settings.LOGIN_REDIRECT_URL)


@login_required
def start(request):
    """The user's starting page (after logging in, and the "way on" of the 403 page)."""
    return redirect(start_url(request.user))


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a ?next=: each role lands where its work is (core.registry.landing)."""
        if self.next_page:
            return resolve_url(self.next_page)
        return start_url(self.request.user)

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, DEMO_ACCOUNT_ERROR):
            # The page's own notice speaks of a wrong password: show the real reason instead.
            for message in form.non_field_errors():
                messages.error(self.request, message)
            return self.render_to_response(
                self.get_context_data(form=self.get_form_class()(request=self.request))
            )
        return super().form_invalid(form)
