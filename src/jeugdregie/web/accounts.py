"""Accounts of the web monitor: users with one role, argon2 passwords, personal API tokens, sessions and
login rate limiting. Tables: ``web_user``, ``web_session``, ``web_login_attempt`` (migration 0040).

Secrets are never stored in clear: passwords as argon2id hashes, API tokens and session ids as SHA-256
hashes (they are long random values, so a fast hash is enough and lets us look them up).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from jeugdregie.store.database import Database

ROLES = {
    "gemeente": "Gemeente: eigen gemeente in detail (ook signaallijsten), andere gemeenten alleen geaggregeerd",
    "regio": "Regio: alle gemeenten geaggregeerd, geen clientniveau",
    "contractmanager": "Contractmanager: aanbiedersignalen en -profielen in de regio",
    "aanbieder": "Aanbieder: alleen de eigen declaraties en cijfers",
    "beheer": "Beheer: gebruikers, imports en auditlog",
}

SESSION_HOURS = 8
#: failed logins per e-mail address or per client address within the window before logins are refused
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
FAILURE_WINDOW = timedelta(minutes=15)

_hasher = PasswordHasher()


class AccountError(ValueError):
    pass


@dataclass(frozen=True)
class User:
    user_id: str
    email: str
    role: str
    municipality: str | None = None
    provider_agb: str | None = None

    @property
    def label(self) -> str:
        scope = self.municipality or self.provider_agb
        return f"{self.email} ({self.role}{' ' + scope if scope else ''})"


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _user(row: dict) -> User:  # type: ignore[type-arg]
    return User(row["user_id"], row["email"], row["role"], row["municipality"], row["provider_agb"])


def normalise_municipality(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip()
    if code.isdigit() and len(code) < 4:
        code = code.zfill(4)
    if not (code.isdigit() and len(code) == 4):
        raise AccountError("gemeentecode: 4 cijfers (CBS), bijv. 0637")
    return code


def add_user(db: Database, email: str, role: str, municipality: str | None = None,
             provider: str | None = None, password: str | None = None) -> User:
    """Create a user. ``gemeente`` needs a municipality, ``aanbieder`` a provider AGB code."""
    email = email.strip().lower()
    if "@" not in email:
        raise AccountError("ongeldig e-mailadres")
    if role not in ROLES:
        raise AccountError(f"onbekende rol {role!r}: {', '.join(ROLES)}")
    municipality = normalise_municipality(municipality)
    if role == "gemeente" and not municipality:
        raise AccountError("rol gemeente vereist --municipality")
    if role == "aanbieder" and not provider:
        raise AccountError("rol aanbieder vereist --provider (AGB-code)")
    if role != "gemeente" and municipality:
        raise AccountError("--municipality hoort alleen bij rol gemeente")
    if role != "aanbieder" and provider:
        raise AccountError("--provider hoort alleen bij rol aanbieder")
    if db.query_value("SELECT count(*) FROM web_user WHERE email = ?", [email]):
        raise AccountError(f"gebruiker {email} bestaat al")
    user_id = uuid.uuid4().hex
    db.execute(
        "INSERT INTO web_user (user_id, email, role, municipality, provider_agb, password_hash, active, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, TRUE, ?)",
        [user_id, email, role, municipality, provider, _hasher.hash(password) if password else None,
         datetime.now()])
    return User(user_id, email, role, municipality, provider)


def set_password(db: Database, email: str, password: str) -> None:
    if len(password) < 10:
        raise AccountError("wachtwoord: minimaal 10 tekens")
    user = get_user(db, email)
    db.execute("UPDATE web_user SET password_hash = ? WHERE user_id = ?", [_hasher.hash(password), user.user_id])


def get_user(db: Database, email: str) -> User:
    rows = db.query("SELECT * FROM web_user WHERE email = ? AND active", [email.strip().lower()])
    if not rows:
        raise AccountError(f"onbekende gebruiker {email}")
    return _user(rows[0])


def list_users(db: Database) -> list[dict]:  # type: ignore[type-arg]
    return db.query("SELECT email, role, municipality, provider_agb, active, created_at, "
                    "password_hash IS NOT NULL AS has_password, token_hash IS NOT NULL AS has_token "
                    "FROM web_user ORDER BY email")


def new_token(db: Database, email: str) -> str:
    """A new personal API token (replaces the previous one). Shown once; only its hash is stored."""
    user = get_user(db, email)
    token = "jr_" + secrets.token_urlsafe(32)
    db.execute("UPDATE web_user SET token_hash = ? WHERE user_id = ?", [_sha(token), user.user_id])
    return token


def user_by_token(db: Database, token: str) -> User | None:
    if not token.startswith("jr_"):
        return None
    rows = db.query("SELECT * FROM web_user WHERE token_hash = ? AND active", [_sha(token)])
    return _user(rows[0]) if rows else None


# -- login and rate limiting ------------------------------------------------------------------------
def login_blocked(db: Database, email: str, client: str) -> bool:
    since = datetime.now() - FAILURE_WINDOW
    counts = {r["attempt_key"]: int(r["n"]) for r in db.query(
        "SELECT attempt_key, count(*) AS n FROM web_login_attempt WHERE NOT success AND attempted_at >= ? "
        "AND attempt_key IN (?, ?) GROUP BY attempt_key", [since, "email:" + email.strip().lower(), "ip:" + client])}
    return (counts.get("email:" + email.strip().lower(), 0) >= MAX_FAILURES
            or counts.get("ip:" + client, 0) >= MAX_FAILURES_PER_ADDRESS)


def authenticate(db: Database, email: str, password: str, client: str) -> User | None:
    """The user if the password is right and the account is not rate limited; records the attempt."""
    email = email.strip().lower()
    rows = db.query("SELECT * FROM web_user WHERE email = ? AND active", [email])
    ok = False
    if rows and rows[0]["password_hash"]:
        try:
            ok = _hasher.verify(rows[0]["password_hash"], password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password)  # same work for unknown users: no timing oracle for valid e-mail addresses
    now = datetime.now()
    db.insert_rows("web_login_attempt", ["attempt_key", "attempted_at", "success"],
                   [("email:" + email, now, ok), ("ip:" + client, now, ok)])
    return _user(rows[0]) if ok else None


# -- sessions -----------------------------------------------------------------------------------------
def create_session(db: Database, user: User) -> tuple[str, str]:
    """A new session; returns (session id for the cookie, CSRF token)."""
    sid = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = datetime.now()
    db.execute("DELETE FROM web_session WHERE expires_at < ?", [now])
    db.execute("INSERT INTO web_session (session_hash, user_id, csrf_token, created_at, expires_at) "
               "VALUES (?, ?, ?, ?, ?)", [_sha(sid), user.user_id, csrf, now, now + timedelta(hours=SESSION_HOURS)])
    return sid, csrf


def session_user(db: Database, sid: str) -> tuple[User, str] | None:
    rows = db.query(
        "SELECT u.*, s.csrf_token FROM web_session s JOIN web_user u ON u.user_id = s.user_id "
        "WHERE s.session_hash = ? AND s.expires_at > ? AND u.active", [_sha(sid), datetime.now()])
    if not rows:
        return None
    return _user(rows[0]), str(rows[0]["csrf_token"])


def end_session(db: Database, sid: str) -> None:
    db.execute("DELETE FROM web_session WHERE session_hash = ?", [_sha(sid)])
