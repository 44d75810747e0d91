"""Deals and conversions: deals, pipelines and stages, products, lead <-> deal conversions.

The root Query and Mutation fields of the domain; the same sub-package name in every layer.
"""
