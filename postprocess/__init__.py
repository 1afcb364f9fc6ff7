"""Post-processing (layer 1): pure functions from a raw QwenVL HTML reply to checked blocks.

Imports only :mod:`schemas`, lxml and the standard library: no I/O, no network, no Ray.
"""

from postprocess.bboxes import BBoxSyntaxError, format_bbox, parse_bbox
from postprocess.coords import fit_to_frame, to_page_box
from postprocess.degenerate import Degeneracy, LoopKind, detect_degeneracy
from postprocess.fences import Located, locate_html, strip_fence
from postprocess.reply import parse_reply, validate_reply
from postprocess.sanitize import sanitize_html

__all__ = [
    "BBoxSyntaxError",
    "Degeneracy",
    "Located",
    "LoopKind",
    "detect_degeneracy",
    "fit_to_frame",
    "format_bbox",
    "locate_html",
    "parse_bbox",
    "parse_reply",
    "sanitize_html",
    "strip_fence",
    "to_page_box",
    "validate_reply",
]
