"""Tests of the integration domain (same sub-package name as in domain/, schema/, resolvers/, models/)."""
