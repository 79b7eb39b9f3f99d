"""The VBA side of the add-in (ribbon XML and .bas modules), shipped as package data for `qm addin build`."""
