"""The HTTP edge: signatures, replays, payload validation, tenancy, logs and metrics."""
