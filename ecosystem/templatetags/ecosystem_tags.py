from django import template

from ecosystem.selectors import measure_actors

register = template.Library()


@register.simple_tag
def ecosystem_actors_for(measure):
    """Actors of the ecosystem map linked to a plan measure (the measure page's panel)."""
    return list(measure_actors(measure=measure)[:50])
