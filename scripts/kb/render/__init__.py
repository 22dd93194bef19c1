"""Renderers: pure functions that turn model data into Markdown for the macros.

Each module in this package registers its macros with `@macro`; `macros/__init__.py` registers
every one of them with mkdocs-macros. Python computes the rows, the Jinja templates in
`render/templates/` hold the markup, and every value from a data file is escaped on output.
"""
