"""Tests of the project itself: static checks, README, schema files, migrations."""
