"""factory_boy factories for the domain: people in structures, declarations and their steps."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from declarations.categories import Category, Kind
from declarations.hours import PARIS, local_date
from declarations.models import Beneficiary, Counsellor, Declaration, Manager, Step, Structure

DEMO_PASSWORD = "demo1234"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(DEMO_PASSWORD)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Mission Locale n°{n}")
    kind = Structure.Kind.MISSION_LOCALE


class CounsellorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Counsellor

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"conseiller{n}"))
    structure = factory.SubFactory(StructureFactory)


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    """A young person followed by a counsellor of their own structure."""

    class Meta:
        model = Beneficiary

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"jeune{n}"))
    counsellor = factory.SubFactory(CounsellorFactory)
    structure = factory.LazyAttribute(lambda beneficiary: beneficiary.counsellor.structure)


class ManagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Manager
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, username=factory.Sequence(lambda n: f"responsable{n}"))

    @factory.post_generation
    def structures(self, create: bool, extracted: list[Structure] | None, **kwargs: object) -> None:
        if create and extracted:
            self.structures.set(extracted)


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    client_id = factory.LazyFunction(uuid.uuid4)
    recorded_at = factory.LazyFunction(lambda: datetime(2026, 1, 7, 18, 30, tzinfo=PARIS))
    source = Declaration.Source.TEXT
    transcript = "Mercredi j'ai envoyé deux candidatures chez Carrefour pour un poste d'employé de rayon."
    status = Declaration.Status.TO_CONFIRM


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    declaration = factory.SubFactory(DeclarationFactory)
    category = Category.EMPLOI
    kind = Kind.CANDIDATURE
    status = Step.Status.DONE
    activity_date = factory.LazyAttribute(lambda step: local_date(step.declaration.recorded_at))
    hours = Decimal(3)
    evidence = "j'ai envoyé deux candidatures chez Carrefour"
