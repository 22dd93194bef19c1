"""Tests of the test suite itself: the rules its conftest enforces."""
