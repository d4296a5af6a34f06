"""The author's live preview: ``make_docs.py preview`` serves, on this computer only, the
handout an author picks (web page and PDF pages, one or two locales side by side) and
updates the browser within a second of each save, through the build's own stages.

``session`` keeps the gathered state warm and renders what is on screen; ``pdfpool``
renders PDFs in worker processes and draws their pages; ``app`` is the web page (Flask,
Server-Sent Events); ``serve`` watches the project (watchfiles) and runs the server.
"""

from __future__ import annotations

from .serve import run_preview

__all__ = ["run_preview"]
