from django.apps import AppConfig


class TestProviderConfig(AppConfig):
    name = "tests.oidc_provider"
    label = "test_provider"  # django-oidc-provider's own app is labelled oidc_provider
