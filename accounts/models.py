"""Who a user is for Bruprod: the organisation they belong to and their role in the plan."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator (coordinating body)")
    TASKFORCE = "taskforce", _("Task force (plan management)")
    STEERING = "steering", _("Steering committee member")
    COMMISSION = "commission", _("Industry commission member")
    ADMIN = "admin", _("Administrator")


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="profile",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "reference.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("organisation"),
        help_text=_(
            "Required for coordinators: they report on the measures this organisation coordinates."
        ),
    )
    language = models.CharField(
        _("language"), max_length=2, choices=settings.LANGUAGES, default="nl"
    )
    is_demo = models.BooleanField(_("demo account"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"
