"""The `w2v` command. Each group of subcommands lives in its own module and registers on `app`."""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="w2v",
    help="Train, query and evaluate word2vec vectors.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # keep "[default: ...]" in help texts literal
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Registration: importing a module adds its commands to `app`, in the order of `w2v --help`.
from . import train  # noqa: E402,F401
from . import query  # noqa: E402,F401
from . import phrases_cmd  # noqa: E402,F401
from . import plot_cmd  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the app, turning W2VError into one line and exit status 2."""
    from ..errors import W2VError

    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    if debug:
        args.remove("--debug")
    try:
        code = app(args=args, prog_name="w2v", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except W2VError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt as exc:
        if debug:
            raise
        print("interrupted before training started; nothing was written", file=sys.stderr)
        sys.exit(128 + getattr(exc, "signum", 2))
    except Exception as exc:  # click's usage errors and the like (typer vendors click)
        name = type(exc).__name__
        if name == "Exit" and hasattr(exc, "exit_code"):
            sys.exit(exc.exit_code)
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # ClickException, UsageError
            exc.show()
            sys.exit(2)
        if name == "Abort":
            print("aborted", file=sys.stderr)
            sys.exit(130)
        if debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)", file=sys.stderr)
        sys.exit(1)
