"""Input checks shared by every write path."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from core.errors import ErrorCode, FieldError

# ISO 4217 codes in current use.
CURRENCIES = frozenset(
    [
        "AED",
        "AFN",
        "ALL",
        "AMD",
        "ANG",
        "AOA",
        "ARS",
        "AUD",
        "AWG",
        "AZN",
        "BAM",
        "BBD",
        "BDT",
        "BGN",
        "BHD",
        "BIF",
        "BMD",
        "BND",
        "BOB",
        "BRL",
        "BSD",
        "BTN",
        "BWP",
        "BYN",
        "BZD",
        "CAD",
        "CDF",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CRC",
        "CUP",
        "CVE",
        "CZK",
        "DJF",
        "DKK",
        "DOP",
        "DZD",
        "EGP",
        "ERN",
        "ETB",
        "EUR",
        "FJD",
        "FKP",
        "GBP",
        "GEL",
        "GHS",
        "GIP",
        "GMD",
        "GNF",
        "GTQ",
        "GYD",
        "HKD",
        "HNL",
        "HTG",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "IRR",
        "ISK",
        "JMD",
        "JOD",
        "JPY",
        "KES",
        "KGS",
        "KHR",
        "KMF",
        "KPW",
        "KRW",
        "KWD",
        "KYD",
        "KZT",
        "LAK",
        "LBP",
        "LKR",
        "LRD",
        "LSL",
        "LYD",
        "MAD",
        "MDL",
        "MGA",
        "MKD",
        "MMK",
        "MNT",
        "MOP",
        "MRU",
        "MUR",
        "MVR",
        "MWK",
        "MXN",
        "MYR",
        "MZN",
        "NAD",
        "NGN",
        "NIO",
        "NOK",
        "NPR",
        "NZD",
        "OMR",
        "PAB",
        "PEN",
        "PGK",
        "PHP",
        "PKR",
        "PLN",
        "PYG",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "RWF",
        "SAR",
        "SBD",
        "SCR",
        "SDG",
        "SEK",
        "SGD",
        "SHP",
        "SLE",
        "SOS",
        "SRD",
        "SSP",
        "STN",
        "SVC",
        "SYP",
        "SZL",
        "THB",
        "TJS",
        "TMT",
        "TND",
        "TOP",
        "TRY",
        "TTD",
        "TWD",
        "TZS",
        "UAH",
        "UGX",
        "USD",
        "UYU",
        "UZS",
        "VES",
        "VND",
        "VUV",
        "WST",
        "XAF",
        "XCD",
        "XCG",
        "XOF",
        "XPF",
        "YER",
        "ZAR",
        "ZMW",
        "ZWG",
    ]
)

MAX_AMOUNT = Decimal("9999999999999999.99")


def text(
    value: str | None, field: tuple[str, ...], *, required: bool = False, max_length: int = 255
) -> tuple[str | None, list[FieldError]]:
    """Strip a text value and check it; empty becomes None (or an error when required)."""
    cleaned = value.strip() if value is not None else None
    if not cleaned:
        if required:
            return None, [FieldError(f"{field[-1]} is required.", ErrorCode.REQUIRED, field)]
        return None, []
    if len(cleaned) > max_length:
        return cleaned, [FieldError(f"{field[-1]} is longer than {max_length} characters.", ErrorCode.TOO_LONG, field)]
    return cleaned, []


def money(
    amount: Decimal | str | None, currency: str | None, field: tuple[str, ...]
) -> tuple[Decimal | None, str | None, list[FieldError]]:
    """Check a monetary value: a non-negative amount with at most two decimals, an ISO currency."""
    if amount is None:
        return None, None, []
    errors: list[FieldError] = []
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        return None, None, [FieldError("amount is not a number.", ErrorCode.INVALID, (*field, "amount"))]
    if not value.is_finite() or value < 0 or value > MAX_AMOUNT:
        errors.append(
            FieldError("amount must be between 0 and 9999999999999999.99.", ErrorCode.INVALID, (*field, "amount"))
        )
    elif value.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.append(FieldError("amount has more than two decimal places.", ErrorCode.INVALID, (*field, "amount")))
    code = (currency or "").strip().upper()
    if code not in CURRENCIES:
        errors.append(
            FieldError(
                f"{currency!r} is not an ISO 4217 currency code.", ErrorCode.INVALID_CURRENCY, (*field, "currency")
            )
        )
    return value.quantize(Decimal("0.01")) if not errors else None, code, errors
