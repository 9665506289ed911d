"""Render Markdown from the browser within a time limit: some inputs (100,000 '[') take Python-Markdown hours.

A regular expression stuck in C cannot be interrupted inside the process, so the rendering runs in a forked
child that is killed when the time is up. The fork shares the parent's memory (the link resolver included);
the child touches neither the database nor the network, and leaves with os._exit.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle  # nosec B403 - only our own child's Rendered comes back through the pipe

from learnpm.lessons.rendering import LinkResolver, Rendered, render_markdown


class RenderTimeout(Exception):
    """The Markdown took longer than the limit to render."""


def _child(connection, source: str, resolver: LinkResolver | None) -> None:
    try:
        connection.send_bytes(pickle.dumps(("ok", render_markdown(source, resolver))))
    except BaseException as exc:  # noqa: BLE001 - anything the renderer raises goes back to the parent
        connection.send_bytes(pickle.dumps(("error", repr(exc))))
    finally:
        connection.close()
        os._exit(0)


def render_within(source: str, seconds: float, resolver: LinkResolver | None = None) -> Rendered:
    """Render `source` as render_markdown does, or raise RenderTimeout after `seconds`."""
    if seconds <= 0:
        return render_markdown(source, resolver)
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, source, resolver), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(seconds):
            raise RenderTimeout(f"rendering took longer than {seconds:g} s")
        status, value = pickle.loads(receive.recv_bytes())  # nosec B301 - from our own child
    except EOFError as exc:
        raise RenderTimeout("the renderer stopped") from exc
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(1)
    if status != "ok":
        raise RuntimeError(f"Markdown rendering failed: {value}")
    return value
