"""The ``textlayer`` engine: QwenVL HTML built from a PDF page's text layer, no model.

``engine`` answers requests; ``html`` prints elements with model-frame boxes; ``headings`` finds
heading levels against the body font size; ``order`` is the XY-cut reading order. It reads only
``RenderedPage.text_layer`` (schemas), never the render stage.
"""

from docparse.engines.textlayer.engine import ENGINE_NAME, TextLayerEngine
from docparse.engines.textlayer.html import page_html

__all__ = ["ENGINE_NAME", "TextLayerEngine", "page_html"]
