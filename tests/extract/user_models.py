"""A user schema as a pydantic model, loaded as ``tests.extract.user_models:PurchaseOrder``."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field


class OrderLine(BaseModel):
    sku: str | None = Field(default=None, json_schema_extra={"x-aliases": ["SKU", "Art.-Nr."]})
    description: str | None = Field(
        default=None, json_schema_extra={"x-aliases": ["Item", "Description", "Artikel"]}
    )
    quantity: int | None = Field(default=None, json_schema_extra={"x-aliases": ["Qty", "Menge"]})
    unit_price: Decimal | None = Field(
        default=None, json_schema_extra={"x-aliases": ["Unit price", "Einzelpreis"]}
    )
    amount: Decimal | None = Field(
        default=None, json_schema_extra={"x-aliases": ["Line total", "Betrag"]}
    )


class PurchaseOrder(BaseModel):
    po_number: str = Field(
        json_schema_extra={
            "x-aliases": ["PO number", "PO #", "Bestellnummer"],
            "x-kind": "identifier",
        }
    )
    order_date: date = Field(json_schema_extra={"x-aliases": ["Order date", "Bestelldatum"]})
    supplier: str | None = Field(
        default=None, json_schema_extra={"x-aliases": ["Supplier", "Lieferant"]}
    )
    items: list[OrderLine] = Field(default_factory=list, json_schema_extra={"x-table": True})
    total: Decimal = Field(json_schema_extra={"x-aliases": ["Order total", "Gesamtsumme"]})
