from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from frameworks.models import Activity, Framework, Stage
from orgs.models import Membership, Organization, Person, Role, Team
from orgs.teams import team_create
from raci.matrices.models import Assignment, Matrix, MatrixRole, Task


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    level = Membership.Level.VIEWER


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.LazyAttribute(lambda r: f"Role {r.code}")
    order = factory.Sequence(int)


class TeamFactory(factory.django.DjangoModelFactory):
    """Teams are made by the service, which writes the materialized path."""

    class Meta:
        model = Team

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return team_create(**kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.com")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(extracted)


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    slug = factory.Sequence(lambda n: f"framework-{n}")
    name = factory.Sequence(lambda n: f"Framework {n}")


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    framework = factory.SubFactory(FrameworkFactory)
    name = factory.Sequence(lambda n: f"Stage {n}")
    order = factory.Sequence(int)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    stage = factory.SubFactory(StageFactory)
    name = factory.Sequence(lambda n: f"Activity {n}")
    order = factory.Sequence(int)


class MatrixFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Matrix

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Matrix {n}")


class MatrixRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MatrixRole

    matrix = factory.SubFactory(MatrixFactory)
    role = factory.SubFactory(RoleFactory, organization=factory.SelfAttribute("..matrix.organization"))
    order = factory.Sequence(int)


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    matrix = factory.SubFactory(MatrixFactory)
    name = factory.Sequence(lambda n: f"Task {n}")
    stage = "Market"
    order = factory.Sequence(int)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    role = factory.SubFactory(RoleFactory, organization=factory.SelfAttribute("..task.matrix.organization"))
    letters = "R"
