"""Text handling: reading files (encodings, bad input), normalization with an offset map, page layout and lines."""
