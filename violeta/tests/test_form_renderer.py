"""The form renderer: Jinja2 widget templates, Django's templates where Jinja2 has none."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.forms.renderers import get_default_renderer

from violeta.config.renderers import WidgetRenderer


def test_the_project_renders_forms_with_it():
    assert isinstance(get_default_renderer(), WidgetRenderer)


def test_a_widget_with_a_jinja2_template_is_rendered_by_jinja2():
    renderer = WidgetRenderer()
    template = renderer.get_template("django/forms/widgets/select.html")
    assert type(template).__module__.startswith("django.template.backends.jinja2")
    html = forms.Select(choices=[("a", "Uno & dos"), ("b", "Tres")]).render(
        "campo", "b", renderer=renderer
    )
    # Escaped, and the chosen option marked, like Django's own templates.
    assert '<option value="a">Uno &amp; dos</option>' in html
    assert '<option value="b" selected>Tres</option>' in html


def test_a_widget_only_django_has_falls_back_to_django_templates():
    renderer = WidgetRenderer()
    html = AdminURLFieldWidget().render("enlace", "https://example.org", renderer=renderer)
    assert 'href="https://example.org"' in html
    assert "admin/widgets/url.html" in renderer._django_only
    template = renderer.get_template("admin/widgets/url.html")
    assert type(template).__module__.startswith("django.template.backends.django")
