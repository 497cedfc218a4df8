"""Evaluation: suites of documents with gold, per-field scorers, baselines and the regression gate."""
