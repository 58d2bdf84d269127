"""Dates as Danes write them: "2. dec. 2026" (Retskrivningsordbogen's abbreviations), everywhere
a page, a PDF or an e-mail shows a date (`|date` and `formats.date_format`)."""

DATE_FORMAT = "j. N Y"
DATETIME_FORMAT = "j. N Y H:i"
SHORT_DATE_FORMAT = "j. N Y"
SHORT_DATETIME_FORMAT = "j. N Y H:i"
