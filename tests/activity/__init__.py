"""Tests of the activity domain (same sub-package name as in domain/, schema/, resolvers/, models/)."""
