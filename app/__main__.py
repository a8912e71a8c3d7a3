"""`python -m app users add NAME [--admin]` · `users remove NAME` · `users list`.

The password is asked for twice on the terminal (or read from standard input with
`--password-stdin`, for scripts); it is never an argument, so it stays out of shell history.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from app.accounts import AccountError, Accounts
from core.settings import AppSettings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    users = commands.add_parser("users", help="Manage the built-in accounts.")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="Add a user, or set a user's password and role.")
    add.add_argument("name")
    add.add_argument("--admin", action="store_true", help="Give the admin role.")
    add.add_argument("--password-stdin", action="store_true",
                     help="Read the password from standard input.")
    remove = actions.add_parser("remove", help="Remove a user.")
    remove.add_argument("name")
    actions.add_parser("list", help="List the users and their roles.")
    return parser


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise AccountError("The two passwords differ.")
    return first


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    accounts = Accounts(AppSettings().users_file)
    try:
        if args.action == "add":
            user = accounts.add(args.name, _password(args.password_stdin),
                                "admin" if args.admin else "user")
            print(f"{user.name} ({user.role}) saved in {accounts.path}")
        elif args.action == "remove":
            if not accounts.remove(args.name):
                print(f"No user {args.name}.", file=sys.stderr)
                return 1
            print(f"{args.name} removed.")
        else:
            for name, record in sorted(accounts.users().items()):
                print(f"{name}\t{record.get('role', 'user')}")
    except AccountError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
