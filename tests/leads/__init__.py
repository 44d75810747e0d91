"""Tests of the leads domain (same sub-package name as in domain/, schema/, resolvers/, models/)."""
