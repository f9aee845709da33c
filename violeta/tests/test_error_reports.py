import sys

from django.test import RequestFactory
from django.views.debug import ExceptionReporter


def test_error_reports_show_no_local_variables_or_post_values():
    request = RequestFactory().post("/casos/nuevo/", {"account": "Me golpeó en el almacén"})
    try:
        account = "Me golpeó en el almacén"  # noqa: F841 - a local the report must hide
        raise RuntimeError("boom")
    except RuntimeError:
        reporter = ExceptionReporter(request, *sys.exc_info())
        html = reporter.get_traceback_html()
        text = reporter.get_traceback_text()
    for report in (html, text):
        assert "Me golpeó en el almacén" not in report
        assert "boom" in report
