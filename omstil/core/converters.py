"""Path converters shared by every app's URLs."""


class IdConverter:
    """A database id: at most 18 digits, so that it always fits a 64-bit integer.

    A longer number is no id of ours; it gets "page not found" instead of an overflow in the
    database driver.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
