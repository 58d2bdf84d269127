"""Mapping employees' own digital competences (kortlægning): figures, pages and the demo."""
