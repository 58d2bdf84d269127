"""`{% load report_charts %}`: the report's SVG charts (`omstil.reports.charts`) and the colour
scale of its heat maps (`omstil.lib.charts`), for the pages and the PDFs alike."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from omstil.lib import charts as scale
from omstil.reports import charts

register = template.Library()


@register.simple_tag
def distribution_chart(figure: Mapping[str, Any] | None, key: str, statement: str) -> SafeString:
    """`{% distribution_chart item.groups.employee item.key item.text %}`"""
    return charts.distribution(figure, key, statement)


@register.simple_tag
def means_chart(item: Mapping[str, Any], employees_only: bool = False) -> SafeString:
    """`{% means_chart item employees_only %}`"""
    return charts.means(item, employees_only=bool(employees_only))


@register.simple_tag
def gap_chart(sections: Iterable[Mapping[str, Any]]) -> SafeString:
    """`{% gap_chart sections %}`"""
    return charts.gaps(sections)


@register.simple_tag
def trend_chart(items: Iterable[Mapping[str, Any]]) -> SafeString:
    """`{% trend_chart report.items %}`"""
    return charts.trend(items)


@register.simple_tag
def rate_chart(rates: Mapping[str, Mapping[str, Any]] | None, minimum: int) -> SafeString:
    """`{% rate_chart report.response_rate report.min_group_size %}`"""
    return charts.rates(rates, minimum)


@register.filter
def heat_class(value: float | None) -> str:
    """`{{ cell.mean|heat_class }}`: the heat-map cell's colour step."""
    return scale.heat_class(value)


@register.simple_tag
def heat_steps() -> list[scale.Step]:
    """`{% heat_steps as steps %}`: the colour scale, for its legend."""
    return scale.steps()


@register.simple_tag
def heat_css() -> SafeString:
    """`{% heat_css %}`: the scale's CSS rules, inline in a PDF's style sheet."""
    return mark_safe(scale.heat_css())  # noqa: S308 (colours and class names from our own table)


@register.simple_tag
def answer_legend() -> SafeString:
    """`{% answer_legend %}`: what the colours of a distribution bar mean."""
    return charts.answer_legend()
