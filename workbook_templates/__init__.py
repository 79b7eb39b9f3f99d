"""The workbook contract, the official city workbooks built from it, and their reader."""
from workbook_templates.contract import Column, Contract, Sheet, load_contract

__all__ = ["Column", "Contract", "Sheet", "load_contract"]
