-- Web monitor accounts, server-side sessions and login attempts (for rate limiting).
-- Roles: gemeente (own municipality in detail), regio (aggregates), contractmanager (provider signals),
-- aanbieder (own provider), beheer (users, imports, audit log). Passwords: argon2id hashes only;
-- personal API tokens and session ids are stored as SHA-256 hashes, never in clear.
CREATE TABLE web_user (
    user_id VARCHAR PRIMARY KEY,
    email VARCHAR NOT NULL UNIQUE,
    role VARCHAR NOT NULL,
    municipality VARCHAR,
    provider_agb VARCHAR,
    password_hash VARCHAR,
    token_hash VARCHAR,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE web_session (
    session_hash VARCHAR PRIMARY KEY,
    user_id VARCHAR NOT NULL,
    csrf_token VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE web_login_attempt (
    attempt_key VARCHAR NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    success BOOLEAN NOT NULL
);
