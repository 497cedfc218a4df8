"""Language knowledge kept as data: word lists read once from TOML files beside this module, typed.

`issuers` — kinds of places and bodies (admin level, region), crawler header labels, page furniture words.
Each TOML says its purpose, its sources and when it was last checked.
"""
