-- Conversations with providers and their outcomes (gesprekken met aanbieders), shareable within the region,
-- linked to the provider signals they discussed. Portable SQL (DuckDB + PostgreSQL). No client data: the
-- application refuses BSN-like numbers in the free text (analysis/signals/meetings.py).
CREATE TABLE provider_meeting (
    meeting_id VARCHAR PRIMARY KEY,
    provider_agb VARCHAR NOT NULL,
    municipality VARCHAR,               -- the municipality that held the meeting; NULL = on behalf of the region
    meeting_date DATE NOT NULL,
    subject VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    agreements VARCHAR,
    next_date DATE,                     -- agreed follow-up date, if any
    shared BOOLEAN NOT NULL,            -- visible to the other municipalities of the region
    actor VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- The signals discussed in a meeting (signal_key as in signal_followup).
CREATE TABLE provider_meeting_signal (
    meeting_id VARCHAR NOT NULL,
    signal_key VARCHAR NOT NULL,
    signal_type VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    PRIMARY KEY (meeting_id, signal_key)
);
