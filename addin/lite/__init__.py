"""The xlwings Lite edition: the city clerk's checks inside Excel with no Python on the PC.

xlwings Lite (an Office add-in) runs Python in Pyodide inside Excel; the workbook carries a
``main.py`` and a ``requirements.txt``. This room holds what goes into them and how it is made:

- :mod:`addin.lite.main`: the workbook's ``main.py`` (copied verbatim by ``qm addin lite``):
  the ``QM_*`` worksheet functions (the same decorated functions as the desktop add-in's, with
  ``namespace="QM"``) and the ``@script`` 校验本表;
- :mod:`addin.lite.app`: the script's body, the desktop button's 校验本表
  (:func:`addin.excel.bookcheck.check_open_book`) with a message box fit for Lite;
- :mod:`addin.lite.package`: the pure-Python wheel of this project, the ``requirements.txt``
  naming it, and ``qm addin lite -o DIR``.

It is a face beside :mod:`addin.excel` (desktop, classic xlwings, a local Python) and
:mod:`addin.cli`, not part of them, because its runtime differs: no multiprocessing, no
compiled extensions outside Pyodide's own builds, files only through the add-in's ``/data``.
Nothing here imports pandas or a compiled module, so what the Lite edition offers runs on the
Python standard library alone (tests/lite/test_addin_lite_pyodide.py proves it in a real Pyodide).
"""
