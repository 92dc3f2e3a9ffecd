import factory

from indicators.models import Indicator, Observation, Target
from indicators.progress import period_time


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"TEST-{n}")
    name_nl = factory.Sequence(lambda n: f"Testindicator {n}")
    name_fr = factory.Sequence(lambda n: f"Indicateur test {n}")
    name_en = factory.Sequence(lambda n: f"Test indicator {n}")
    unit = Indicator.Unit.COUNT
    kind = Indicator.Kind.RESULT
    direction = Indicator.Direction.HIGHER
    frequency = Indicator.Frequency.ANNUAL


class ObservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Observation

    indicator = factory.SubFactory(IndicatorFactory)
    period = "2020"
    period_time = factory.LazyAttribute(lambda o: period_time(o.period))
    value = 100
    vintage = "2021"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    indicator = factory.SubFactory(IndicatorFactory)
    period = "2030"
    value = 200
