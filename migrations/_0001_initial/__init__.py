"""The operations of migrations/0001_initial.py, one module a domain (as models/ groups them).

The migration lists them in the order it always had; a package, so the migration loader
skips it (it loads the modules of migrations/ only).
"""
