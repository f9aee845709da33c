"""The form renderer: Jinja2 widget templates, Django's templates where Jinja2 has none."""

from __future__ import annotations

from django import forms
from django.contrib.admin.widgets import AdminURLFieldWidget
from django.forms.renderers import Jinja2, get_default_renderer

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


class _FlaggedSelect(forms.Select):
    """A select whose options have a template of their own (still included)."""

    option_template_name = "django/forms/widgets/input_option.html"


_GROUPED = [
    ("", "Todas"),
    ("Ley general", [("lg:fisica", "Física"), ("lg:sexual", 'Sexual <"acoso">')]),
    ("Ley estatal", [("le:digital", "Digital & mediática"), ("le:0", "Cero")]),
]


def _widgets():
    """Selects of every shape the project renders: plain, grouped, chosen, several chosen,
    with attributes, empty, and with an option template of their own (Django's own Jinja2
    templates render the markup the pages have always had)."""
    yield forms.Select(choices=[("a", "Uno & dos"), ("b", "Tres")]), "campo", "b"
    yield forms.Select(choices=_GROUPED), "tipo", "lg:sexual"
    yield forms.Select(choices=_GROUPED, attrs={"id": "id_tipo", "disabled": True}), "tipo", None
    yield forms.SelectMultiple(choices=_GROUPED), "tipos", ["lg:fisica", "le:0"]
    yield forms.Select(choices=[]), "nada", None
    yield forms.NullBooleanSelect(), "si_no", True
    yield _FlaggedSelect(choices=[("x", "Equis")], attrs={"required": False}), "otra", "x"


def test_the_select_renders_what_djangos_templates_render():
    ours = WidgetRenderer()
    assert (
        "violeta/config/widgets"
        in ours.get_template("django/forms/widgets/select.html").origin.name
    )
    for widget, name, value in _widgets():
        html = widget.render(name, value, renderer=ours)
        assert html == widget.render(name, value, renderer=Jinja2()), html
    # The option's own template was used where the widget names one.
    flagged = _FlaggedSelect(choices=[("x", "Equis")]).render("otra", "x", renderer=ours)
    assert "<option" not in flagged
    assert "<input" in flagged
