"""Tests of the prospector domain (same sub-package name as in domain/, schema/, resolvers/, models/)."""
