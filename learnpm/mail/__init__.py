"""Outgoing mail: infrastructure beside the extensions.

`send()` writes a message to the outbox in the caller's transaction; nothing leaves before the commit.
After the commit a web request makes the first delivery attempt once its response has gone out, and
a command-line command (any code outside a request) delivers right after its commit, before it exits.
A transient failure (no connection, a timeout, a 4xx answer) is retried a few times with a short
backoff, then left in the outbox for the next delivery run or `learnpm mail send`.
"""

from learnpm.mail.outbox import deliver_due, init_app, send, send_template

__all__ = ["deliver_due", "init_app", "send", "send_template"]
