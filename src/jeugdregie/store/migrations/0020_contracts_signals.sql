-- Contract management: the municipality's contract list and the follow-up register of provider signals.
-- Portable SQL (DuckDB + PostgreSQL). Money in integer euro-cents.

-- One contracted (provider, product) per municipality and validity period, with the contracted tariff.
-- product_code '' means: the whole JZ020 category is contracted (tariff then per product is unknown: NULL).
CREATE TABLE contract (
    municipality VARCHAR NOT NULL,
    provider_agb VARCHAR NOT NULL,
    product_category VARCHAR NOT NULL,
    product_code VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    tariff_cents BIGINT,
    unit VARCHAR,
    source VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (municipality, provider_agb, product_category, product_code, valid_from)
);

-- Follow-up of provider signals (append-only history; the latest row per signal_key is the current status).
-- signal_key is stable for (type, provider, period, municipality filter), see analysis/signals/model.py.
CREATE TABLE signal_followup (
    followup_id VARCHAR PRIMARY KEY,
    signal_key VARCHAR NOT NULL,
    signal_type VARCHAR NOT NULL,
    provider_agb VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    note VARCHAR,
    actor VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
