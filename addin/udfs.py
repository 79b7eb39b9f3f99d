"""Stable UDF module name: xlwings is configured with ``UDF Modules = addin.udfs``.

The ``QM_*`` worksheet functions live in :mod:`addin.excel.udfs`; this module re-exports them
(each keeps its xlwings decorator attributes) so installed add-ins keep finding them here.
"""
from addin.excel.udfs import *  # noqa: F401,F403
from addin.excel.udfs import __all__  # noqa: F401
