"""The eval set and its runner."""
