"""Boxes, coordinate frames and the transform between the model's frame and the page's frame.

The model (Qwen2.5-VL) answers in absolute pixels of the image it received. Every rendered page
carries a :class:`PageTransform` from that frame to the page's own frame: PDF points with a
top-left origin as the page is displayed (its /Rotate applied), or the original image's pixels
after EXIF orientation. Because we always rasterise the *displayed* page, the mapping is a pure
per-axis scale; the rotation is kept as provenance.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Unit(str, Enum):
    """Unit of a coordinate frame."""

    PT = "pt"  # PDF points (1/72 inch)
    PX = "px"  # pixels


class BBox(BaseModel):
    """Axis-aligned box, top-left (x1, y1) to bottom-right (x2, y2), in some frame."""

    model_config = ConfigDict(frozen=True)

    x1: float
    y1: float
    x2: float
    y2: float

    @model_validator(mode="after")
    def _ordered(self) -> "BBox":
        # The fields read from the instance dict: an attribute read on a model takes the slow
        # path (BaseModel defines __getattr__), and this runs for every box validated.
        fields = self.__dict__
        if fields["x2"] < fields["x1"] or fields["y2"] < fields["y1"]:
            raise ValueError(f"box corners out of order: {self.as_tuple()}")
        return self

    @classmethod
    def from_corners(cls, x1: float, y1: float, x2: float, y2: float) -> "BBox":
        """Build a box from two corners given in any order (swapped corners are normalised)."""
        return cls(x1=min(x1, x2), y1=min(y1, y2), x2=max(x1, x2), y2=max(y1, y2))

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.x1, self.y1, self.x2, self.y2)

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    @property
    def area(self) -> float:
        return self.width * self.height

    def scale(self, sx: float, sy: float) -> "BBox":
        return bbox(self.x1 * sx, self.y1 * sy, self.x2 * sx, self.y2 * sy)

    def round(self, ndigits: int = 2) -> "BBox":
        return bbox(
            round(self.x1, ndigits),
            round(self.y1, ndigits),
            round(self.x2, ndigits),
            round(self.y2, ndigits),
        )

    def intersection(self, other: "BBox") -> float:
        w = min(self.x2, other.x2) - max(self.x1, other.x1)
        h = min(self.y2, other.y2) - max(self.y1, other.y1)
        return max(0.0, w) * max(0.0, h)

    def iou(self, other: "BBox") -> float:
        inter = self.intersection(other)
        union = self.area + other.area - inter
        return inter / union if union > 0 else 0.0


#: BBox's validator (BBox has no forward references: it is never rebuilt).
_VALIDATE_BBOX = BBox.__pydantic_validator__.validate_python


def bbox(x1: float, y1: float, x2: float, y2: float) -> BBox:
    """``BBox(x1=x1, y1=y1, x2=x2, y2=y2)``: the same box, or the same ``ValidationError``,
    validated directly; ``BaseModel.__init__`` adds a Python call, a quarter of the cost."""
    box: BBox = _VALIDATE_BBOX({"x1": x1, "y1": y1, "x2": x2, "y2": y2})
    return box


def bbox_from_fields(fields: dict[str, float]) -> BBox:
    """``BBox.model_validate(fields)`` (``x1``, ``y1``, ``x2``, ``y2``), validated directly, as
    :func:`bbox` does."""
    box: BBox = _VALIDATE_BBOX(fields)
    return box


class Frame(BaseModel):
    """A coordinate frame: its extent and unit. Origin is always top-left."""

    model_config = ConfigDict(frozen=True)

    width: float = Field(gt=0)
    height: float = Field(gt=0)
    unit: Unit

    def contains(self, box: BBox, tolerance: float = 0.0) -> bool:
        return (
            box.x1 >= -tolerance
            and box.y1 >= -tolerance
            and box.x2 <= self.width + tolerance
            and box.y2 <= self.height + tolerance
        )

    def clamp(self, box: BBox) -> BBox:
        return bbox(
            min(max(box.x1, 0.0), self.width),
            min(max(box.y1, 0.0), self.height),
            min(max(box.x2, 0.0), self.width),
            min(max(box.y2, 0.0), self.height),
        )


class PageTransform(BaseModel):
    """Maps boxes between the model frame (pixels of the image sent) and the page frame."""

    model_config = ConfigDict(frozen=True)

    model_width: int = Field(gt=0, description="Width in pixels of the image the model receives.")
    model_height: int = Field(gt=0, description="Height in pixels of the image the model receives.")
    page_width: float = Field(gt=0, description="Displayed page width in page units.")
    page_height: float = Field(gt=0, description="Displayed page height in page units.")
    unit: Unit = Field(description="pt for PDF pages, px for images.")
    rotation: int = Field(
        default=0,
        description="Rotation applied to reach the displayed page: PDF /Rotate or EXIF, degrees clockwise.",
    )

    @property
    def model_frame(self) -> Frame:
        return Frame(width=self.model_width, height=self.model_height, unit=Unit.PX)

    @property
    def page_frame(self) -> Frame:
        return Frame(width=self.page_width, height=self.page_height, unit=self.unit)

    @property
    def sx(self) -> float:
        return self.page_width / self.model_width

    @property
    def sy(self) -> float:
        return self.page_height / self.model_height

    def to_page(self, box: BBox) -> BBox:
        """Model-frame pixels -> page frame."""
        return box.scale(self.sx, self.sy)

    def to_model(self, box: BBox) -> BBox:
        """Page frame -> model-frame pixels."""
        return box.scale(1.0 / self.sx, 1.0 / self.sy)
