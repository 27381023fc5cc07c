"""{% engagement_chart data.engagement year=data.year %}: the ledenbinding bar chart as inline SVG."""

from django import template

from governance.reports import charts as report_charts

register = template.Library()


@register.simple_tag
def engagement_chart(engagement, *, year, chart_id="engagement-chart"):
    return report_charts.engagement_chart(engagement, year=year, chart_id=chart_id)
