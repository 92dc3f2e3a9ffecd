"""The login page: Django's, with the demo accounts refused under production settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import NON_FIELD_ERRORS

from .forms import DEMO_ACCOUNT_ERROR, LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        if form.has_error(NON_FIELD_ERRORS, DEMO_ACCOUNT_ERROR):
            # The page's own notice speaks of a wrong password: show the real reason instead.
            for message in form.non_field_errors():
                messages.error(self.request, message)
            return self.render_to_response(
                self.get_context_data(form=self.get_form_class()(request=self.request))
            )
        return super().form_invalid(form)
