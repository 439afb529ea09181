"""The export panel in the sidebar: a chart of the page rendered to a file the lecturer downloads."""

from __future__ import annotations

import pytest
from browser import require_chromium
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.browser


def test_the_panel_lists_the_pages_charts_and_renders_png_and_gif():
    require_chromium()
    at = AppTest.from_file("../app.py", default_timeout=300)
    at.run()
    assert set(at.selectbox(key="export.chart").options) == {"contour", "loss"}
    at.selectbox(key="export.chart").set_value("contour").run()
    at.button(key="export.render").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (download,) = at.get("download_button")
    assert "Download PNG" in download.proto.label
    at.segmented_control(key="export.format").set_value("gif").run()
    at.button(key="export.render").click().run()
    assert not at.exception and not at.error
    (download,) = at.get("download_button")
    assert "Download GIF" in download.proto.label
    at.selectbox(key="export.chart").set_value("loss").run()  # not animated: no GIF offered
    assert [o.lower() for o in at.segmented_control(key="export.format").options] == ["png", "svg", "pdf"]
