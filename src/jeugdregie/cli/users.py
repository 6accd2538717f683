"""`jeugdregie users add|password|token|list`: accounts of the web monitor."""

from __future__ import annotations

import getpass
from typing import Annotated

import typer

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit

users_app = typer.Typer(help="Gebruikers van de webmonitor: rollen, wachtwoorden en API-tokens.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")


def _password(value: str | None) -> str:
    if value:
        return value
    first = getpass.getpass("Wachtwoord: ")
    if first != getpass.getpass("Herhaal wachtwoord: "):
        raise typer.BadParameter("wachtwoorden verschillen")
    return first


@users_app.command("add")
def add_cmd(
    email: Annotated[str, typer.Option("--email", help="E-mailadres (inlognaam)")],
    role: Annotated[str, typer.Option("--role", help="gemeente, regio, contractmanager, aanbieder of beheer")],
    municipality: Annotated[str | None, typer.Option("--municipality", help="CBS-code (rol gemeente)")] = None,
    provider: Annotated[str | None, typer.Option("--provider", help="AGB-code (rol aanbieder)")] = None,
    password: Annotated[str | None, typer.Option(
        "--password", help="Wachtwoord (anders gevraagd; liever JEUGDREGIE_NEW_PASSWORD)",
        envvar="JEUGDREGIE_NEW_PASSWORD")] = None,
    no_password: Annotated[bool, typer.Option("--no-password", help="Alleen API-token, geen inlog")] = False,
    db: DbOption = None,
) -> None:
    """Gebruiker toevoegen met één rol."""
    from jeugdregie.web.accounts import AccountError, add_user, set_password

    database = open_db(db)
    try:
        user = add_user(database, email, role, municipality, provider)
        if not no_password:
            set_password(database, user.email, _password(password))
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from None
    finally:
        database.close()
    typer.echo(f"Gebruiker toegevoegd: {user.label}")


@users_app.command("password")
def password_cmd(email: Annotated[str, typer.Argument(help="E-mailadres")],
                 password: Annotated[str | None, typer.Option("--password", envvar="JEUGDREGIE_NEW_PASSWORD",
                                                              help="Nieuw wachtwoord")] = None,
                 db: DbOption = None) -> None:
    """Wachtwoord zetten of wijzigen."""
    from jeugdregie.web.accounts import AccountError, set_password

    database = open_db(db)
    try:
        set_password(database, email, _password(password))
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from None
    finally:
        database.close()
    typer.echo("Wachtwoord gewijzigd.")


@users_app.command("token")
def token_cmd(email: Annotated[str, typer.Argument(help="E-mailadres")], db: DbOption = None) -> None:
    """Nieuw persoonlijk API-token (vervangt het vorige); alleen nu zichtbaar. Gebruik: Authorization: Bearer …"""
    from jeugdregie.web.accounts import AccountError, new_token

    database = open_db(db)
    try:
        token = new_token(database, email)
    except AccountError as exc:
        raise typer.BadParameter(str(exc)) from None
    finally:
        database.close()
    typer.echo(token)


@users_app.command("list")
def list_cmd(db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None) -> None:
    """Gebruikers met rol, gemeente/aanbieder en of er een wachtwoord of token is."""
    from jeugdregie.web.accounts import list_users

    database = open_db(db)
    try:
        rows = list_users(database)
    finally:
        database.close()
    emit(fmt, [Table("Gebruikers", [
        Column("email", "E-mail"), Column("role", "Rol"), Column("municipality", "Gemeente"),
        Column("provider_agb", "Aanbieder"), Column("active", "Actief"), Column("has_password", "Wachtwoord"),
        Column("has_token", "Token"), Column("created_at", "Aangemaakt")], rows)],
        json_obj={"rows": rows}, out=out, default_name="gebruikers")
