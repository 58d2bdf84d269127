"""An organisation (kommune, region, styrelse), its units and its people, kept apart from others."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

PATH_SEPARATOR = " / "


class Organisation(models.Model):
    """A public organisation; the data controller for everything held under it."""

    slug = models.SlugField(_("kortnavn"), max_length=60, unique=True)
    name = models.CharField(_("navn"), max_length=200)
    min_group_size = models.PositiveSmallIntegerField(
        _("mindste gruppestørrelse"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text=_("Standard for nye evalueringer; aldrig under 3."),
    )
    accounts_for_everyone = models.BooleanField(
        _("konti til alle medarbejdere"),
        default=False,
        help_text=_(
            "Ledere kan altid logge ind. Slå til, hvis også medarbejdere uden lederansvar skal "
            "kunne logge ind, fx til kompetencekortlægningen."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A unit (enhed) in the organisation's tree, known by its full path from the top."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    path = models.CharField(_("enhed"), max_length=1000)
    name = models.CharField(_("navn"), max_length=200)
    parent = models.ForeignKey(
        "self", on_delete=models.RESTRICT, null=True, blank=True, related_name="children"
    )
    depth = models.PositiveSmallIntegerField()
    leader_employee_id = models.CharField(max_length=64, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enhed")
        verbose_name_plural = _("enheder")
        ordering = ["organisation", "path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "path"], name="unit_path_unique")
        ]

    def __str__(self) -> str:
        return self.path


class Person(models.Model):
    """A person from the HR file: an employee, a leader, or both.

    People who leave are deactivated, never deleted, so earlier rounds stay intact. Reporting
    lines are kept as employee ids: the import derives them for the whole file at once.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="people")
    employee_id = models.CharField(_("medarbejdernummer"), max_length=64)
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), max_length=254)
    unit = models.ForeignKey(Unit, on_delete=models.RESTRICT, related_name="people")
    is_leader = models.BooleanField(_("leder"), default=False)
    leader_since = models.DateField(
        _("leder siden"),
        null=True,
        blank=True,
        help_text=_("Den dag, importen første gang så personen som leder."),
    )
    reports_to_employee_id = models.CharField(_("refererer til"), max_length=64, blank=True)
    nearest_leader_employee_id = models.CharField(_("nærmeste leder"), max_length=64, blank=True)
    job_family = models.CharField(_("faggruppe"), max_length=200, blank=True)
    language = models.CharField(_("sprog"), max_length=2, default="da")
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("konto"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        help_text=_(
            "Kontoen, personen logger ind med; én konto kan være person i flere organisationer."
        ),
    )
    active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "employee_id"], name="person_employee_id_unique"
            )
        ]
        indexes = [
            models.Index(
                fields=["organisation", "nearest_leader_employee_id"], name="person_nearest_leader"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_id})"


class OrganisationImport(models.Model):
    """A record that an HR file was imported: who, when, which file, and what it changed."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="imports")
    imported_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    counts = models.JSONField()
    warnings = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} {self.created_at:%Y-%m-%d %H:%M} {self.file_name}"


class PendingImport(models.Model):
    """An uploaded HR file awaiting confirmation after its preview; deleted once used.

    Holds personal data, so it lives only between preview and confirmation (at most a day).
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pending_imports"
    )
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(max_length=255)
    data = models.BinaryField()
    plan_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.organisation} {self.file_name}"


class SingleSignOn(models.Model):
    """An organisation's own login (OpenID Connect): its provider, and how people are matched.

    The provider's endpoints are discovered from the issuer when the configuration is set. The
    client secret is kept encrypted (`omstil.organisations.sso`), and no page shows it again.
    """

    class Claim(models.TextChoices):
        EMAIL = "email", _("e-mailadresse")
        EMPLOYEE_ID = "employee_id", _("medarbejdernummer")

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="single_sign_on"
    )
    issuer = models.URLField(_("udsteder"), max_length=500)
    client_id = models.CharField(_("klient-id"), max_length=255)
    client_secret_encrypted = models.TextField()
    claim = models.CharField(
        _("genkendes på"), max_length=20, choices=Claim.choices, default=Claim.EMAIL
    )
    authorization_endpoint = models.URLField(max_length=500)
    token_endpoint = models.URLField(max_length=500)
    userinfo_endpoint = models.URLField(max_length=500, blank=True)
    jwks_uri = models.URLField(max_length=500, blank=True)
    signing_algorithm = models.CharField(max_length=10, default="RS256")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisationens login")
        verbose_name_plural = _("organisationers login")

    def __str__(self) -> str:
        return f"{self.organisation} ({self.issuer})"
