"""Tests of the accounts domain (same sub-package name as in domain/, schema/, resolvers/, models/)."""
