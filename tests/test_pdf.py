"""PDFs are made from our own HTML and never reach out to the network or the file system."""

import http.server
import threading

from omstil.core.pdf import html_to_pdf


def test_a_pdf_fetches_nothing_from_the_network_or_the_disk(tmp_path):
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    try:
        pdf = html_to_pdf(
            f'<link rel="stylesheet" href="file://{secret}">'
            f'<img src="http://127.0.0.1:{server.server_port}/tracker.png">'
            '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
            "<p>Rapport</p>"
        )
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF")
    assert requests == []
