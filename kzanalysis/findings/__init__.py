"""Findings stage."""
