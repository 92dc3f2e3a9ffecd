import factory

from plan.models import Measure, MeasureCoordination, PlanEdition, PlanNode
from reference.models import Organisation, OrganisationAlias, Sector


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanEdition
        django_get_or_create = ("slug",)

    slug = "test-edition"
    title_nl = "Testplan"
    adopted = "2019-01"


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    slug = factory.Sequence(lambda n: f"test-sector-{n}")
    code_prefix = "T"
    name_nl = factory.Sequence(lambda n: f"Testsector {n}")
    name_fr = factory.Sequence(lambda n: f"Secteur test {n}")


class NodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanNode

    edition = factory.SubFactory(EditionFactory)
    key = factory.Sequence(lambda n: f"9.{n}")
    kind = PlanNode.Kind.SECTION
    title_nl = factory.Sequence(lambda n: f"Testsectie {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"test-org-{n}")
    name_nl = factory.Sequence(lambda n: f"Testorganisatie {n}")
    name_fr = factory.Sequence(lambda n: f"Organisation test {n}")
    type = Organisation.Type.PUBLIC_AGENCY

    @factory.post_generation
    def printed(self, create, extracted, **kwargs):
        if create:
            OrganisationAlias.objects.create(organisation=self, printed=extracted or self.name_nl)


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    edition = factory.SubFactory(EditionFactory)
    code = factory.Sequence(lambda n: f"X.{n}")
    printed_code = factory.LazyAttribute(lambda m: f"{m.code}.")
    kind = Measure.Kind.TABLE
    title_nl = factory.Sequence(lambda n: f"Testmaatregel {n}")
    title_fr = factory.Sequence(lambda n: f"Mesure test {n}")
    title_en = factory.Sequence(lambda n: f"Test measure {n}")
    section = factory.SubFactory(NodeFactory)
    order = 100000


class CoordinationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeasureCoordination

    measure = factory.SubFactory(MeasureFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    printed = factory.LazyAttribute(lambda c: c.organisation.name_nl)
