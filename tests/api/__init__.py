"""Tests of the HTTP and GraphQL surface: limits, policies, persisted queries, rate limits."""
