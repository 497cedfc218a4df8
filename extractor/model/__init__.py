"""The model layer: one client (cache, retries, ledger) over backend adapters, prompts as data, the local model."""
