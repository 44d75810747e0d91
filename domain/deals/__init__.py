"""Deals and conversions: deals, pipelines and stages, products, lead <-> deal conversions.

The rules of the domain; the same sub-package name in every layer.
"""
