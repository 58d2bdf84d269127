"""`{% load mapping_charts %}`: the competence heat map coloured with the reports' scale
(`omstil.lib.charts`)."""

from django import template

from omstil.lib import charts

register = template.Library()


@register.filter
def heat_class(value: float | None) -> str:
    """`{{ cell.score|heat_class }}`: the heat-map cell's colour step."""
    return charts.heat_class(value)


@register.simple_tag
def heat_steps() -> list[charts.Step]:
    """`{% heat_steps as steps %}`: the colour scale, for its legend."""
    return charts.steps()
