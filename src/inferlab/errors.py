"""Errors that the CLI turns into exit codes (docs/architecture.md: 2 = bad input, 1 = runtime failure)."""


class UserError(Exception):
    """Something the user can fix: a bad config key, a missing file, an unknown method.

    The message says what was wrong, where, and what is allowed. The CLI prints it alone
    (no traceback) and exits with code 2.
    """


class DivergenceError(RuntimeError):
    """An MCMC chain or a loss became NaN/Inf or left the allowed region; training must not go on with it.

    `where` names the sampler and its step (e.g. "posterior Langevin, step 17 of 20").
    """

    def __init__(self, where: str, reason: str):
        self.where, self.reason = where, reason
        super().__init__(f"{where}: {reason}")
