"""Every model has an admin page that loads; history and revisions cannot be edited there."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from raci.management.demo import demo_seed
from raci.matrices.models import ChangeRecord
from raci.revisions.models import Revision
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    demo_seed()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_changelist_loads(staff_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert staff_client.get(url).status_code == 200


@pytest.mark.parametrize("model", [ChangeRecord, Revision])
def test_history_and_revisions_are_read_only_in_the_admin(staff_client, model):
    record = model.objects.first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk])
    page = staff_client.get(url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    before = model.objects.filter(pk=record.pk).values().get()
    assert staff_client.post(url, {}).status_code == 403
    assert model.objects.filter(pk=record.pk).values().get() == before
