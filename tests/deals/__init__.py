"""Tests of the deals domain (same sub-package name as in domain/, schema/, resolvers/, models/)."""
