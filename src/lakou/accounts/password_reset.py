"""Password reset by e-mail: Django's views, the portal's templates, the watch's SMTP.

``/account/password-reset/`` asks for an e-mail address and, for every active account with
it, mails a one-time address (``/account/reset/<uid>/<token>/``, valid three days, the
address ``lakou user add`` prints) in the visitor's language; the answer is the same
whether the address is known or not. An account invited without a password may ask too
(its first link expires). With no mail server (``portal.smtp.host``) the page says to ask
the member's admin or the operator; a server that refuses is a message on the page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponse
from django.utils.translation import get_language

from lakou.accounts import mail


class MailedResetForm(PasswordResetForm):
    """Django's form, sending through ``lakou.accounts.mail`` in the visitor's language."""

    def get_users(self, email: str) -> Iterator[Any]:
        model = get_user_model()
        field = model.get_email_field_name()
        yield from model._default_manager.filter(**{f"{field}__iexact": email, "is_active": True})

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        context = {**context, "site_name": mail.site_name()}
        mail.deliver([mail.compose(to_email, "password_reset", context, get_language() or "")])


class ResetPassword(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = MailedResetForm
    success_url = "/account/password-reset/sent/"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "mail_enabled": mail.enabled()}

    def form_valid(self, form: Any) -> HttpResponse:
        if not mail.enabled():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            return super().form_valid(form)
        except mail.MailError as exc:
            context = self.get_context_data(form=form, mail_error=str(exc))
            return self.render_to_response(context, status=503)


class ResetSent(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"
