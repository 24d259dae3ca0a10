"""Scheduled jobs. Each feature module registers its planner on import; list them here."""
