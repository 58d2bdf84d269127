"""Add or update the provider's users and clients from one JSON document on standard input.

{"users": [{"username", "password", "email", "name", "employee_id"}],
 "clients": [{"client_id", "client_secret", "redirect_uris": [...], "jwt_alg"?}]}
"""

import json
import sys
from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from oidc_provider.models import Client, ResponseType


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        spec = json.load(sys.stdin)
        for row in spec.get("users", []):
            user, _ = User.objects.get_or_create(username=row["username"])
            user.email = row.get("email", "")
            user.first_name = row.get("name", "")
            user.last_name = row.get("employee_id", "")
            user.set_password(row["password"])
            user.save()
        code = ResponseType.objects.get(value="code")
        for row in spec.get("clients", []):
            client, _ = Client.objects.get_or_create(client_id=row["client_id"])
            client.name = row["client_id"]
            client.client_type = "confidential"
            client.client_secret = row["client_secret"]
            client.redirect_uris = row["redirect_uris"]
            client.jwt_alg = row.get("jwt_alg", "RS256")
            client.require_consent = False
            client.save()
            client.response_types.set([code])
