"""Tests of the read engine (fastpath/): plans, corpus, coverage, equality with the resolvers."""
