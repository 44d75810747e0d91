"""Tests of the contacts domain (same sub-package name as in domain/, schema/, resolvers/, models/)."""
