"""Tests of the columns domain (same sub-package name as in domain/, schema/, resolvers/, models/)."""
