"""Scheduled jobs: planners write what is due to the outbox; bot/jobs/registry.py lists them."""
