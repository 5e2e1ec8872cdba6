"""Inkborn over HTTP: the API, the OpenAI-compatible endpoint and the web page (`inkborn serve`)."""

from .access import Access, Keys
from .app import create_app

__all__ = ["Access", "Keys", "create_app"]
