"""The app's request class."""

from flask import Request


class PortalRequest(Request):
    """Keeps the raw url-encoded body so its encoding can be checked (see forms.invalid_utf8_fields)."""

    def _load_form_data(self) -> None:
        if "form" not in self.__dict__ and self.mimetype == "application/x-www-form-urlencoded":
            self.get_data(cache=True)
        super()._load_form_data()
