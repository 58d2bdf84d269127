"""PDFs from our own HTML templates, through WeasyPrint: the one place that makes a PDF.

The documents are self-contained (styles inline, no images or links to fetch), so the URL fetcher
allows `data:` URLs only: a PDF never reaches out to the network or the file system, whatever text
ends up in it. One fetcher per thread is reused, because making one sets up an SSL context, which
costs about as much as a one-page document.
"""

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context
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


def htmls_to_pdfs(htmls: Iterable[str], processes: int) -> Generator[bytes]:
    """The PDFs of many documents, in their order, made by `processes` processes at once.

    WeasyPrint takes nearly all of a report's time and holds the interpreter while it works, so
    more PDFs at once need more processes. They are started fresh (`spawn`: nothing of the
    caller's database connections or threads is copied), at a lower priority than the web
    server, and only lay out HTML: the documents are made by the caller, a few ahead of the
    PDFs, so no more than about two per process are held at a time. Closing the iterator early
    (or an error) cancels what has not started and waits for the rest.
    """
    if processes <= 1:
        yield from map(html_to_pdf, htmls)
        return
    pool = ProcessPoolExecutor(
        processes,
        mp_context=get_context("spawn"),
        initializer=_pdf_process,
        initargs=(os.getpid(),),
    )
    try:
        waiting: deque[Future[bytes]] = deque()
        for html in htmls:
            waiting.append(pool.submit(html_to_pdf, html))
            if len(waiting) >= 2 * processes:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _pdf_process(parent: int) -> None:
    """A PDF process: below the web server in priority, left to its parent to stop (a stop of
    the whole service lets the parent finish its zip), and gone if the parent dies."""
    os.nice(10)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()
