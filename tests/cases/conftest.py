from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from cases import services
from cases.models import Case


def client_for(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def case(analyst: Any) -> Case:
    return services.case_open(actor=analyst, title="Armed robbery, N 27th St", summary="Gas station robbery.")
