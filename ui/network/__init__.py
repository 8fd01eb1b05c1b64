"""The second page, the small network (main), split like the first page's ui/."""

from ui.network.page import main

__all__ = ["main"]
