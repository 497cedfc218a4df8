"""The command line: `app` (commands in one module each, shared options in `options`)."""
