"""Canvas Content Exports API: a client (client.py) and the export → download → check flow (export.py)."""
from __future__ import annotations

from .client import (AuthError, BadRequestError, CanvasClient, CanvasError, Download, DownloadError,
                     ExportExpiredError, ExportFailedError, ExportTimeoutError, ForbiddenError, NotFoundError, Poll)

__all__ = ["CanvasClient", "CanvasError", "AuthError", "BadRequestError", "DownloadError", "ExportExpiredError",
           "ExportFailedError", "ExportTimeoutError", "ForbiddenError", "NotFoundError", "Download", "Poll"]
