"""The nurse desk: a web page to find, preview, personalize, print, download and email
handouts, served by the project itself on the pipeline's own stages.

``python -m relapse_handouts.desk`` (or ``bash run.sh serve``) starts it with gunicorn.
"""

from __future__ import annotations

from .app import create_app
from .settings import DeskSettings
from .state import DeskState

__all__ = ["create_app", "DeskSettings", "DeskState"]
