"""A page's charts for slides, drawn on the server: SVG and PNG per chart, or all in one zip.

vl-convert renders the Vega-Lite specs in-process (no browser, no network: every dataset is
inlined and no base URL is allowed), so the files open offline. It is imported on the first
click, never while a page draws; a page's charts take about 1-3 s to render.
"""

import io
import re
import zipfile
from functools import partial

import altair as alt
import pyarrow as pa
import streamlit as st

from ui.specs import inline, to_spec

SLIDE_WIDTH = 900
"""Width in pixels of a chart drawn alone; small multiples share it, down to MIN_WIDTH each."""
MIN_WIDTH = 400
PNG_SCALE = 2
"""PNG pixels per SVG pixel: sharp on a projector."""
VEGALITE = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
"""The Vega-Lite version Altair writes, as vl-convert names it (e.g. "6.4"); vl-convert's
latest when it does not ship that one."""


def _sized(node, width):
    """`node` with every ``"width": "container"`` set to `width` (there is no container)."""
    if isinstance(node, dict):
        return {key: width if key == "width" and value == "container" else _sized(value, width)
                for key, value in node.items()}
    if isinstance(node, list):
        return [_sized(value, width) for value in node]
    return node


def _vl_convert():
    import vl_convert  # 33 MB wheel: loaded on the first export, not with the page

    return vl_convert


def chart_svg(spec, width=SLIDE_WIDTH):
    """SVG text of a Vega-Lite spec (datasets as Arrow bytes or records), `width` pixels wide."""
    vl_convert = _vl_convert()
    version = VEGALITE if VEGALITE in vl_convert.get_vegalite_versions() else None
    return vl_convert.vegalite_to_svg(_sized(inline(spec), width), vl_version=version,
                                      allowed_base_urls=[])


def chart_png(spec, width=SLIDE_WIDTH, scale=PNG_SCALE):
    """PNG bytes of a Vega-Lite spec at `scale` times `width` pixels."""
    return _vl_convert().svg_to_png(chart_svg(spec, width), scale=scale)


def chart_title(spec):
    """The chart's title text, "legend" for a chart without one (the pages' legends)."""
    title = spec.get("title") or "legend"
    text = title.get("text", "legend") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def file_stem(spec, index):
    """A file name for the `index`-th chart (from 0): "03_layer-5"."""
    slug = re.sub(r"[^a-z0-9]+", "-", chart_title(spec).lower()).strip("-")[:40] or "chart"
    return f"{index + 1:02d}_{slug}"


def _csvs(spec, stem):
    """(file name, CSV text) of each dataset the chart draws."""
    datasets = [data for data in spec.get("datasets", {}).values() if isinstance(data, bytes)]
    for number, data in enumerate(datasets, 1):
        frame = pa.ipc.open_stream(data).read_all().to_pandas()
        suffix = f"_data{number}" if len(datasets) > 1 else "_data"
        yield f"{stem}{suffix}.csv", frame.to_csv(index=False)


def charts_zip(specs, widths=None):
    """Zip bytes: per chart its SVG, its PNG and the data it draws as CSV, in page order."""
    widths = widths or [SLIDE_WIDTH] * len(specs)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, (spec, width) in enumerate(zip(specs, widths, strict=True)):
            stem = file_stem(spec, index)
            svg = chart_svg(spec, width)
            archive.writestr(f"{stem}.svg", svg)
            archive.writestr(f"{stem}.png", _vl_convert().svg_to_png(svg, scale=PNG_SCALE))
            for name, text in _csvs(spec, stem):
                archive.writestr(name, text)
    return buffer.getvalue()


class ChartFile:
    """Draws a page's charts and offers them, rendered on click, for slides.

    `button` puts a "Charts for slides" menu on the page: all charts drawn so far as one zip,
    and the SVG and PNG of the one picked from a list. Pages call it after their last chart.
    """

    def __init__(self, title):
        self.title, self.charts, self.widths = title, [], []

    def draw(self, chart):
        """Draw an Altair chart or a Vega-Lite spec dict, as wide as its place, and keep it."""
        self._draw(chart, SLIDE_WIDTH)

    def grid(self, charts, columns):
        """Draw small multiples `columns` to a row (one column on a phone)."""
        width = max(MIN_WIDTH, SLIDE_WIDTH // columns)
        for start in range(0, len(charts), columns):
            for place, chart in zip(st.columns(columns), charts[start:start + columns],
                                    strict=False):
                with place:
                    self._draw(chart, width)

    def _draw(self, chart, width):
        spec = chart if isinstance(chart, dict) else to_spec(chart)
        st.vega_lite_chart(spec=spec, width="stretch")
        self.charts.append(spec)
        self.widths.append(width)

    def button(self, place=None):
        """The menu of downloads, in `place` (a container reserved higher up the page) or here.

        Every file is rendered only when its button is clicked. One list and three buttons,
        whatever the number of charts: a page's run stays short (a row of buttons per chart
        was a quarter of a cached Training run).
        """
        charts, widths = list(self.charts), list(self.widths)    # a fragment may draw more
        name = self.title.lower()
        with place or st.container(), st.popover("Charts for slides",
                                                 icon=":material/download:"):
            st.caption("Drawn on the server, for slides: no internet needed to open them.")
            st.download_button("All charts (zip: SVG, PNG and data of each)",
                               partial(charts_zip, charts, widths),
                               f"initviz_{name}_charts.zip", "application/zip",
                               on_click="ignore", icon=":material/folder_zip:", type="primary")
            titles = [f"{index + 1}. {chart_title(spec)}" for index, spec in enumerate(charts)]
            index = st.selectbox("One chart", range(len(charts)), format_func=titles.__getitem__,
                                 key=f"slides.{name}")
            if index is None:          # no chart on the page
                return
            spec, width = charts[index], widths[index]
            stem = f"initviz_{name}_{file_stem(spec, index)}"
            with st.container(horizontal=True):
                st.download_button("SVG", partial(chart_svg, spec, width), f"{stem}.svg",
                                   "image/svg+xml", on_click="ignore")
                st.download_button("PNG", partial(chart_png, spec, width), f"{stem}.png",
                                   "image/png", on_click="ignore")
