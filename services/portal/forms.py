"""Reading form input: typed values kept for redisplay, errors per field in the user's language."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from services.portal.api_client import ApiError
from services.portal.i18n import refusal, translate_reason


class Form:
    """One submitted form: the raw values (to show again) and the errors found so far."""

    def __init__(self, data: Any | None = None):
        self.data: dict[str, str] = {k: v for k, v in (data or {}).items() if k != "csrf_token"}
        self.lists: dict[str, list[str]] = {k: data.getlist(k) for k in data} if hasattr(data, "getlist") else {}
        self.errors: dict[str, list[str]] = {}

    def get(self, name: str, default: str = "") -> str:
        return str(self.data.get(name, default) or "").strip()

    def getlist(self, name: str) -> list[str]:
        return [v.strip() for v in self.lists.get(name, []) if v.strip()]

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def text(self, name: str, required: bool = False, max_length: int = 5000) -> str:
        value = self.get(name)
        if required and not value:
            self.error(name, _("This field is required."))
        elif len(value) > max_length:
            self.error(name, _("At most %(n)d characters.", n=max_length))
        return value

    def integer(self, name: str, low: int, high: int, required: bool = True) -> int | None:
        raw = self.get(name)
        if not raw:
            if required:
                self.error(name, _("This field is required."))
            return None
        try:
            value = int(raw)
        except ValueError:
            self.error(name, _("Not a whole number."))
            return None
        if not low <= value <= high:
            self.error(name, _("Choose a number from %(low)d to %(high)d.", low=low, high=high))
            return None
        return value

    def decimal(self, name: str, required: bool = False, default: str = "0") -> Decimal | None:
        raw = self.get(name).replace(" ", "").replace("€", "")
        if not raw:
            if required:
                self.error(name, _("This field is required."))
                return None
            raw = default
        if "," in raw and "." not in raw:
            raw = raw.replace(",", ".")  # Dutch decimal comma
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.error(name, _("Not a valid number."))
            return None
        if not value.is_finite() or value < 0 or value > 10_000_000:
            self.error(name, _("Enter a number from 0 to 10,000,000."))
            return None
        return value

    def day(self, name: str, required: bool = True) -> date | None:
        raw = self.get(name)
        if not raw:
            if required:
                self.error(name, _("This field is required."))
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.error(name, _("Not a valid date."))
            return None

    def choice(self, name: str, allowed: Any, required: bool = True) -> str | None:
        value = self.get(name)
        if not value and not required:
            return None
        if value not in allowed:
            self.error(name, _("Choose one of the options."))
            return None
        return value

    def send(self, call: Callable[[], Any], known: set[str] | None = None) -> bool:
        """Make the API CALL if the form is valid; True when the API accepted it. A refusal becomes the form's
        errors (KNOWN fields next to their inputs), so the view shows the form again."""
        if not self.ok:
            return False
        try:
            call()
        except ApiError as error:
            self.api_errors(error, known)
            return False
        return True

    def api_errors(self, error: ApiError, known: set[str] | None = None) -> None:
        """Put the API's per-field reasons next to the fields; the rest goes to the form's top."""
        if not error.errors:
            self.error("body", refusal(error))
            return
        for name, reasons in error.field_errors().items():
            target = name if known is None or name in known else "body"
            for reason in reasons:
                self.error(target, translate_reason(reason))


def as_number(value: Decimal | None) -> float | int | None:
    """JSON-friendly numbers: whole amounts as int, others as float."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
