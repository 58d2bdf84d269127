"""PDFs from our own HTML templates, through WeasyPrint: the one place that makes a PDF.

The documents are self-contained (styles inline, no images or links to fetch), so the URL fetcher
allows `data:` URLs only: a PDF never reaches out to the network or the file system, whatever text
ends up in it. One fetcher per thread is reused, because making one sets up an SSL context, which
costs about as much as a one-page document.
"""

import threading
from typing import Any

_local = threading.local()


def _fetcher() -> Any:
    from weasyprint import URLFetcher

    fetcher = getattr(_local, "fetcher", None)
    if fetcher is None:
        fetcher = _local.fetcher = URLFetcher(allowed_protocols={"data"})
    return fetcher


def html_to_pdf(html: str) -> bytes:
    """The PDF of one self-contained HTML document."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, url_fetcher=_fetcher()).write_pdf()
    return pdf
