"""Running many reports: the resumable batch and its flat tables."""
