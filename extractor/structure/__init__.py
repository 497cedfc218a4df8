"""Document structure: the outline (headings, parts, enumerated item blocks) and metadata."""
