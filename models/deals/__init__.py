"""Deals and conversions: deals, pipelines and stages, products, lead <-> deal conversions.

The tortoise models of the domain; the same sub-package name in every layer.
"""
