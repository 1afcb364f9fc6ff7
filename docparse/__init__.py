"""docparse: PDFs and scans -> QwenVL HTML -> validated JSON."""

__version__ = "0.1.0"
