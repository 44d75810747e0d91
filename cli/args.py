"""The CLI's argument parser and argument types: every mistake is one ``leadbox: error: ...`` line."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn


class Parser(argparse.ArgumentParser):
    """argparse, with its complaints as the one ``leadbox: error: ...`` line every mistake gets."""

    def error(self, message: str) -> NoReturn:
        command = self.prog.removeprefix("leadbox").strip()
        where = f"{command}: " if command else ""
        self.exit(2, f"leadbox: error: {where}{message} (see `{self.prog} --help`)\n")


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low:,} and {high:,}")
        return value

    parse.__name__ = "whole number"
    return parse


port_number = whole_number(1, 65535)
