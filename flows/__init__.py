"""Prefect flows: thin wiring of pipeline stages over batches."""
