"""MkDocs hooks loaded by `make serve` only (mkdocs.serve.yml): partial rebuilds that stay correct.

`make serve` runs `mkdocs serve --dirty` so an edit rebuilds one page, not all of them. These
hooks (1) drop exactly the "dirty build" warning, which `strict: true` would otherwise turn into
an abort, while every other warning still fails the rebuild; (2) rebuild, with the edited
page, every page that read a changed file (see `kb.live`); and (3) keep the server alive when a
rebuild stops on bad input (a page saved half-written, a broken data file): the one-line error
is printed, and the next save rebuilds. `mkdocs build` and CI never load them.
"""

from __future__ import annotations

from typing import Any

from kb.live import BYTECODE, STATE


def on_startup(*, command: str, dirty: bool) -> None:
    STATE.start(dirty=command == "serve" and dirty)


def on_files(files: Any, *, config: Any) -> Any:
    dest = {f.src_uri: f.abs_dest_path for f in files.documentation_pages()}
    stale = STATE.mark_stale(dest)
    if stale:
        import logging

        logging.getLogger("mkdocs.kb").info(
            "Rebuilding %d page(s) that read a changed file: %s", len(stale), ", ".join(stale[:5])
        )
    return files


def on_env(env: Any, *, config: Any, files: Any) -> Any:
    if STATE.dirty:
        env.bytecode_cache = BYTECODE.cache
    return env


def on_pre_page(page: Any, *, config: Any, files: Any) -> Any:
    STATE.page_started(page.file.src_uri)
    return page


def on_page_content(html: str, *, page: Any, config: Any, files: Any) -> str:
    STATE.page_finished()
    return html


def on_serve(server: Any, *, config: Any, builder: Any) -> Any:
    """Survive a rebuild that stops with SystemExit (the macros' one-line errors).

    MkDocs' rebuild loop catches Exception only, so a SystemExit would end the loop and the server
    would keep serving the old site, deaf to every later save.
    """
    rebuild = server.builder

    def rebuild_surviving_errors() -> None:
        try:
            rebuild()
        except SystemExit:
            import logging

            logging.getLogger("mkdocs.kb").error(
                "The rebuild stopped on the problem above; fix it and save again (still serving)."
            )

    server.builder = rebuild_surviving_errors
    return server
