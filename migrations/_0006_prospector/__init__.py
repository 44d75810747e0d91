"""The operations of migrations/0006_prospector.py, one module a models/ module.

The migration lists them in the order it always had; a package, so the migration loader
skips it (it loads the modules of migrations/ only).
"""
