from django import template

from strategies.selectors import measure_strategy_items

register = template.Library()


@register.simple_tag
def strategy_items_for(measure):
    """{% strategy_items_for measure as items %}: the strategy items linked to a plan measure."""
    return measure_strategy_items(measure=measure)
