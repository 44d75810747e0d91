"""Input checks shared by every write path."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

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


def decimal_places(value: Decimal) -> int:
    """How many places after the point a finite Decimal is written with (``Decimal("1.50")``: 2)."""
    exponent = value.as_tuple().exponent
    if not isinstance(exponent, int):  # "n", "N" or "F": NaN or infinity, which has no places
        raise ValueError(f"{value} is not a finite number")
    return max(0, -exponent)


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
    elif decimal_places(value) > 2:
        errors.append(FieldError("amount has more than two decimal places.", ErrorCode.INVALID, (*field, "amount")))
    code = (currency or "").strip().upper()
    if code not in CURRENCIES:
        errors.append(
            FieldError(
                f"{currency!r} is not an ISO 4217 currency code.", ErrorCode.INVALID_CURRENCY, (*field, "currency")
            )
        )
    return value.quantize(Decimal("0.01")) if not errors else None, code, errors


# Contact details. The libraries hold the standards: email-validator the address syntax and
# lengths (64 characters before the @, 254 in all), phonenumbers the numbering plans,
# pycountry the ISO 3166 list of countries.
MAX_PHONE_LENGTH = 64
# A number written without its country code cannot be checked against a numbering plan; it is
# held to the length a national number can have (phonenumbers: at most 17 digits).
MIN_PHONE_DIGITS = 3
MAX_PHONE_DIGITS = 17


def email_problem(value: str) -> str | None:
    """Why ``value`` is not an email address, or None when it is one (its domain is not looked up)."""

    if len(value) > 320:  # longer than any address can be: refused before the library reads it
        return "is longer than an email address can be (254 characters)"
    try:
        # No DNS look-up; test_environment also admits the reserved ``.test`` names that demo
        # data and tests use (``localhost``, ``.invalid`` and the like stay refused).
        validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as exc:
        return str(exc).rstrip(".")
    return None


def phone_problem(value: str) -> str | None:
    """Why ``value`` is not a phone number, or None. ``+<country code> ...`` is checked against that
    country's numbering plan (known code, not too long); a number without one by its digits."""

    if len(value) > MAX_PHONE_LENGTH:
        return f"is longer than {MAX_PHONE_LENGTH} characters"
    if value.startswith("+"):
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException as exc:
            short = (
                phonenumbers.NumberParseException.TOO_SHORT_NSN,
                phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD,
            )
            if exc.error_type not in short:
                return "is not an international phone number"
            number = None
        # Too long for its country's plan, or no such country code. A number too short for the
        # plan is kept: an extension or a number being typed in is still worth storing.
        reason = phonenumbers.is_possible_number_with_reason(number) if number else None
        if reason == phonenumbers.ValidationResult.TOO_LONG:
            return "has more digits than its country's numbers have"
        if reason == phonenumbers.ValidationResult.INVALID_COUNTRY_CODE:
            return "starts with a country code no country has"
        if number is not None:
            return None
    count = sum(ch.isdigit() for ch in value)
    if not MIN_PHONE_DIGITS <= count <= MAX_PHONE_DIGITS:
        return f"needs {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits (or +country code and number)"
    return None


def country_problem(value: str) -> str | None:
    """Why ``value`` names no country, or None: an ISO 3166 code (SE, SWE) or an English name."""

    try:
        pycountry.countries.lookup(value)
    except LookupError:
        try:
            pycountry.countries.search_fuzzy(value)
        except LookupError:
            return "is not a country: give its name or its ISO 3166 code"
    return None
