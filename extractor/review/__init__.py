"""Review pages and gold files: the review → correct → gold → eval loop.

    sources.py      find a report's source text next to it (or where the user says) and verify its sha256
    page.py         one self-contained HTML page: the data as JSON in a <script>, CSS and JS inlined
    report_page.py  the page for one report (highlighted text, items, metrics, edit mode → gold JSON)
    batch_index.py  a batch output folder → one page per report + index.html
    eval_page.py    an eval log → a page with the score table and each report's misses in its text
    gold.py         `gold check` (schema, quotes at offsets, conventions) and `gold add` (into a suite)

Nothing here extracts: pages render what a Report already says, and gold files are checked with the same
`is_grounded` the extractor and the scorer use.
"""
