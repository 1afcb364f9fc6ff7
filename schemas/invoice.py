"""The built-in invoice schema: field names, types and multilingual label synonyms (EN/DE/FR).

JSON: dates are ISO 8601 strings, money and quantities are JSON numbers (``Decimal`` inside,
serialised as an integer when written without decimals, else as a float).

Extraction hints live in each field's ``json_schema_extra`` (the same keys work in a user's JSON
Schema, see :mod:`schemas.user_schemas` and ``postprocess.extract.schema_spec``):

- ``x-aliases``: printed labels of the field (``"Rechnungsnummer"``);
- ``x-sum-aliases``: labels of lines whose amounts add up to the field when no ``x-aliases``
  label is printed (one VAT line per rate -> ``tax_amount``);
- ``x-kind``: a special reader: ``identifier`` (first token with a digit), ``iban`` (checksum),
  ``currency`` (ISO 4217 from labels or the amounts' symbols), ``party`` (name, address, tax id
  of a ``seller``/``buyer`` given by ``x-role``), ``sentence`` (text up to the sentence end),
  ``percent``;
- ``x-patterns``: regular expressions tried on the page text when no label is found (group
  ``value`` or the whole match is the value);
- ``x-table``: an array of objects filled from table rows, columns matched by their aliases;
- ``x-role``: what arithmetic checks read a field as when its name differs (``subtotal``,
  ``tax_amount``, ``total``; items: ``quantity``, ``unit_price``, ``amount``, ``tax_rate``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema


def decimal_to_number(value: Decimal) -> int | float:
    """``Decimal('2')`` -> ``2``; ``Decimal('640.00')`` -> ``640.0``: JSON numbers, not strings."""
    if not value.is_finite():
        return float(value)
    text = str(value)
    if "E" not in text:  # plain notation: a point exactly when the exponent is negative
        # from the text: float(Decimal) itself goes through str(), so this converts once
        return float(text) if "." in text else int(text)
    exponent = value.as_tuple().exponent  # scientific notation: read the exponent itself
    return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)


#: A decimal that serialises to a JSON number.
Number = Annotated[
    Decimal,
    PlainSerializer(decimal_to_number, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number"}),
]

#: Printed labels per field, "|"-separated (English, German, French).
ALIASES: dict[str, str] = {
    "invoice_number": (
        "Invoice No | Invoice No. | Invoice # | Invoice Number | Invoice | Bill No | "
        "Rechnungsnummer | Rechnung Nr. | Rechnungs-Nr. | Rechnung Nr | Re-Nr. | Rechnung | "
        "Facture n° | N° de facture | Numéro de facture | Facture N° | Facture"
    ),
    "issue_date": (
        "Invoice date | Date of issue | Issue date | Date | Dated | Rechnungsdatum | Datum | "
        "Ausstellungsdatum | Date de facture | Date de facturation | Date d'émission"
    ),
    "due_date": (
        "Due date | Payment due | Due | Due by | Pay by | Fällig am | Fälligkeit | "
        "Fälligkeitsdatum | Zahlbar bis | Échéance | Date d'échéance | À payer avant"
    ),
    "seller": (
        "From | Seller | Supplier | Vendor | Sold by | Issued by | Verkäufer | "
        "Rechnungssteller | Lieferant | Absender | Vendeur | Fournisseur | Émetteur | "
        "Prestataire"
    ),
    "buyer": (
        "Bill to | Billed to | Invoice to | Sold to | Customer | Buyer | Client | Kunde | "
        "Rechnungsempfänger | Empfänger | Käufer | Rechnungsadresse | Facturé à | Facturer à | "
        "Adresse de facturation | Destinataire | Acheteur"
    ),
    "currency": ("Currency | Währung | Devise | Monnaie"),
    "subtotal": (
        "Subtotal | Sub-total | Net total | Total net | Net amount | Total excl. VAT | "
        "Total before tax | Zwischensumme | Zwischensumme netto | Nettobetrag | Summe netto | "
        "Nettosumme | Gesamtbetrag netto | Total HT | Sous-total | Montant HT"
    ),
    "tax_amount": (
        "Total VAT | VAT total | VAT amount | Tax amount | Total tax | Tax total | "
        "MwSt. gesamt | MwSt.-Betrag | Umsatzsteuer gesamt | Steuerbetrag | Summe MwSt. | "
        "Total TVA | Montant TVA | Montant de la TVA"
    ),
    "total": (
        "Total | Total due | Amount due | Balance due | Grand total | Total amount | "
        "Invoice total | Total incl. VAT | Gesamtbetrag | Rechnungsbetrag | Gesamtsumme | "
        "Endbetrag | Summe brutto | Bruttobetrag | Zu zahlen | Total TTC | Montant TTC | "
        "Net à payer | Montant total | Total à payer"
    ),
    "payment_terms": (
        "Payment terms | Terms | Terms of payment | Zahlungsbedingungen | Zahlungsziel | "
        "Conditions de paiement | Modalités de paiement | Conditions de règlement"
    ),
    "item.description": (
        "Description | Item | Items | Article | Product | Service | Details | Beschreibung | "
        "Bezeichnung | Artikel | Leistung | Artikelbezeichnung | Désignation | Libellé | "
        "Description de l'article | Prestation"
    ),
    "item.quantity": (
        "Qty | Qty. | Quantity | Units | Hours | Menge | Anzahl | Anz. | Stück | Qté | "
        "Quantité | Qté."
    ),
    "item.unit_price": (
        "Unit price | Price | Unit cost | Rate | Price per unit | Einzelpreis | E-Preis | "
        "Preis | Stückpreis | Preis/Einheit | Prix unitaire | PU | Prix unitaire HT | P.U. HT | "
        "Prix"
    ),
    "item.amount": (
        "Amount | Line total | Total | Net amount | Betrag | Gesamt | Gesamtpreis | Summe | "
        "Nettobetrag | Montant | Montant HT | Total HT | Total ligne"
    ),
    "item.tax_rate": (
        "VAT | VAT % | VAT rate | Tax | Tax rate | Tax % | MwSt. | MwSt | MwSt. % | USt. | "
        "USt | Steuersatz | MWST | TVA | Taux TVA | TVA % | Taux"
    ),
    "tax_amount/sum": (
        "VAT | Tax | Sales tax | MwSt. | zzgl. MwSt. | inkl. MwSt. | USt. | zzgl. USt. | "
        "Umsatzsteuer | MWST | TVA | IVA"
    ),
    "party.tax_id": (
        "VAT No. | VAT No | VAT number | VAT ID | VAT Reg. No. | VAT registration number | "
        "VAT | Tax ID | Tax number | USt-IdNr. | USt-ID | USt.-IdNr. | UStIdNr | "
        "Umsatzsteuer-Identifikationsnummer | UID | UID-Nr. | MWST-Nr. | MWST | N° TVA | "
        "TVA intracom. | TVA intracommunautaire | N° de TVA intracommunautaire | TVA | IVA"
    ),
}
#: Payment terms printed without a label: the sentence that starts like this. The word boundary
#: before each word is a look-behind after its first letter (``Z(?<!\wZ)ahlbar`` rather than
#: ``\bZahlbar``, the same matches): a pattern that begins with a letter lets the regex engine
#: skip to where one of Z, P, N is printed instead of trying the pattern at every character.
PAYMENT_TERMS_PATTERN = (
    r"(?P<value>(?:Z(?<!\wZ)ahlbar|P(?<!\wP)(?:ayable|ayment (?:is )?due|aiement)|N(?<!\wN)et \d+)"
    r"\b[^.\n]*\.)"
)


def _hints(name: str, **extra: Any) -> dict[str, Any]:
    """``json_schema_extra`` of a field: its aliases and other ``x-`` hints."""
    aliases = [a.strip() for a in ALIASES.get(name, "").split("|") if a.strip()]
    return {"x-aliases": aliases, **{f"x-{k.replace('_', '-')}": v for k, v in extra.items()}}


def _sum_aliases(name: str) -> list[str]:
    return [a.strip() for a in ALIASES[name].split("|")]


class Party(BaseModel):
    """Seller or buyer as printed: name, address lines joined with ', ', tax id as printed."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, json_schema_extra=_hints("", kind="party-name"))
    address: str | None = Field(default=None, json_schema_extra=_hints("", kind="address"))
    tax_id: str | None = Field(
        default=None, json_schema_extra=_hints("party.tax_id", kind="tax-id")
    )


class LineItem(BaseModel):
    """One invoice line; ``tax_rate`` in percent (``19.0``)."""

    model_config = ConfigDict(extra="forbid")

    description: str | None = Field(default=None, json_schema_extra=_hints("item.description"))
    quantity: Number | None = Field(default=None, json_schema_extra=_hints("item.quantity"))
    unit_price: Number | None = Field(default=None, json_schema_extra=_hints("item.unit_price"))
    amount: Number | None = Field(default=None, json_schema_extra=_hints("item.amount"))
    tax_rate: float | None = Field(
        default=None, json_schema_extra=_hints("item.tax_rate", kind="percent")
    )


class Invoice(BaseModel):
    """An invoice. ``invoice_number``, ``issue_date`` and ``total`` are required."""

    model_config = ConfigDict(extra="forbid")

    invoice_number: str = Field(json_schema_extra=_hints("invoice_number", kind="identifier"))
    issue_date: date = Field(json_schema_extra=_hints("issue_date"))
    due_date: date | None = Field(default=None, json_schema_extra=_hints("due_date"))
    seller: Party | None = Field(
        default=None, json_schema_extra=_hints("seller", kind="party", role="seller")
    )
    buyer: Party | None = Field(
        default=None, json_schema_extra=_hints("buyer", kind="party", role="buyer")
    )
    currency: str | None = Field(
        default=None, pattern=r"^[A-Z]{3}$", json_schema_extra=_hints("currency", kind="currency")
    )
    line_items: list[LineItem] = Field(default_factory=list, json_schema_extra={"x-table": True})
    subtotal: Number | None = Field(default=None, json_schema_extra=_hints("subtotal"))
    tax_amount: Number | None = Field(
        default=None,
        json_schema_extra=_hints("tax_amount", sum_aliases=_sum_aliases("tax_amount/sum")),
    )
    total: Number = Field(json_schema_extra=_hints("total"))
    payment_terms: str | None = Field(
        default=None,
        json_schema_extra=_hints(
            "payment_terms", kind="sentence", patterns=[PAYMENT_TERMS_PATTERN]
        ),
    )
    iban: str | None = Field(
        default=None, json_schema_extra={"x-aliases": ["IBAN"], "x-kind": "iban"}
    )
