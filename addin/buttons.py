"""Stable entry point for the ribbon: installed ``.xlam`` files call ``addin.buttons.<handler>()``.

The handlers live in :mod:`addin.excel.buttons`; this module only re-exports them so that
add-ins built before the package layout changed keep working.
"""
from addin.excel.buttons import *  # noqa: F401,F403
