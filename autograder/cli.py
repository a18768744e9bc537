"""The ``rnn-course`` command line.

    rnn-course --version     the course package's version
    rnn-course doctor        versions of the course's tools and whether a kernel starts
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from autograder import __version__, doctor


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rnn-course",
        description="Tools for the RNN course: check your set-up, and (soon) your exercises.",
    )
    parser.add_argument("--version", action="version", version=f"rnn-course {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    doctor_cmd = commands.add_parser(
        "doctor", help="print the versions of the course's tools and check that a kernel starts"
    )
    doctor_cmd.add_argument(
        "--no-kernel", action="store_true", help="skip starting a Jupyter kernel (faster)"
    )
    doctor_cmd.set_defaults(run=lambda args: doctor.main(start_kernel=not args.no_kernel))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
