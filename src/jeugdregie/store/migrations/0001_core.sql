-- Core schema: iJw 3.2 messages, import runs, quarantine, audit log.
-- Portable SQL: runs unchanged on DuckDB and PostgreSQL. Money is integer euro-cents (BIGINT).
-- No BSN, name, address, phone or e-mail is ever stored: clients are HMAC pseudonyms, postcode is PC4.

CREATE TABLE codelist (
    list_name VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    PRIMARY KEY (list_name, code)
);

CREATE TABLE import_run (
    run_id VARCHAR PRIMARY KEY,
    batch_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    file_sha256 VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    user_name VARCHAR NOT NULL,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    status VARCHAR NOT NULL,
    messages_in INTEGER NOT NULL DEFAULT 0,
    messages_stored INTEGER NOT NULL DEFAULT 0,
    messages_quarantined INTEGER NOT NULL DEFAULT 0,
    messages_duplicate INTEGER NOT NULL DEFAULT 0,
    lines_in INTEGER NOT NULL DEFAULT 0,
    lines_stored INTEGER NOT NULL DEFAULT 0,
    lines_quarantined INTEGER NOT NULL DEFAULT 0,
    error VARCHAR
);

CREATE TABLE quarantine (
    quarantine_id VARCHAR PRIMARY KEY,
    run_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    message_type VARCHAR,
    message_id VARCHAR,
    element_path VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    reason_nl VARCHAR NOT NULL,
    reason_en VARCHAR NOT NULL,
    level VARCHAR NOT NULL,
    municipality VARCHAR,
    provider_agb VARCHAR,
    signed_amount_cents BIGINT,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE message (
    message_key VARCHAR PRIMARY KEY,
    message_type VARCHAR NOT NULL,
    sender VARCHAR NOT NULL,
    receiver VARCHAR NOT NULL,
    identificatie VARCHAR NOT NULL,
    dagtekening DATE NOT NULL,
    municipality VARCHAR NOT NULL,
    provider_agb VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL,
    lines_stored INTEGER NOT NULL,
    lines_quarantined INTEGER NOT NULL
);

CREATE TABLE municipality (
    code VARCHAR PRIMARY KEY,
    name VARCHAR
);

CREATE TABLE provider (
    agb VARCHAR PRIMARY KEY,
    name VARCHAR
);

CREATE TABLE product (
    category VARCHAR NOT NULL,
    code VARCHAR NOT NULL,
    label VARCHAR,
    PRIMARY KEY (category, code)
);

CREATE TABLE client (
    client_id VARCHAR PRIMARY KEY,
    birth_date DATE,
    birth_date_usage VARCHAR,
    gender VARCHAR,
    pc4 VARCHAR,
    last_seen DATE NOT NULL
);

CREATE TABLE request (
    provider_agb VARCHAR NOT NULL,
    referentie_aanbieder VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    client_id VARCHAR NOT NULL,
    message_key VARCHAR NOT NULL,
    request_date DATE NOT NULL,
    product_category VARCHAR,
    product_code VARCHAR,
    requested_start DATE NOT NULL,
    requested_end DATE,
    volume BIGINT,
    unit VARCHAR,
    frequency VARCHAR,
    budget_cents BIGINT,
    referrer_type VARCHAR NOT NULL,
    referrer_agb VARCHAR,
    beschikking_nummer BIGINT,
    beschikking_start DATE,
    raamcontract VARCHAR,
    PRIMARY KEY (provider_agb, referentie_aanbieder)
);

CREATE TABLE assignment_version (
    municipality VARCHAR NOT NULL,
    toewijzing_nummer BIGINT NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    provider_agb VARCHAR NOT NULL,
    client_id VARCHAR NOT NULL,
    referentie_aanbieder VARCHAR,
    product_category VARCHAR,
    product_code VARCHAR,
    start_date DATE NOT NULL,
    end_date DATE,
    reason_change VARCHAR,
    volume BIGINT,
    unit VARCHAR,
    frequency VARCHAR,
    budget_cents BIGINT,
    juridische_status VARCHAR,
    message_key VARCHAR NOT NULL,
    PRIMARY KEY (municipality, toewijzing_nummer, assigned_at)
);

-- The current state of each toewijzing: its latest version (IV013); deleted ones flagged (CS335, OP087).
CREATE VIEW assignment AS
SELECT municipality, toewijzing_nummer, assigned_at, provider_agb, client_id, referentie_aanbieder,
       product_category, product_code, start_date, end_date, reason_change, volume, unit, frequency,
       budget_cents, juridische_status, message_key,
       (reason_change = '13' OR (reason_change = '01' AND end_date = start_date)) AS is_deleted
FROM (
    SELECT v.*, ROW_NUMBER() OVER (PARTITION BY municipality, toewijzing_nummer
                                   ORDER BY assigned_at DESC) AS rn
    FROM assignment_version v
) latest
WHERE rn = 1;

CREATE TABLE care_start_event (
    message_key VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    municipality VARCHAR NOT NULL,
    provider_agb VARCHAR NOT NULL,
    client_id VARCHAR NOT NULL,
    toewijzing_nummer BIGINT,
    product_category VARCHAR,
    product_code VARCHAR,
    toewijzing_start DATE,
    start_date DATE NOT NULL,
    status VARCHAR NOT NULL,
    message_date DATE NOT NULL,
    PRIMARY KEY (message_key, seq)
);

CREATE TABLE care_stop_event (
    message_key VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    municipality VARCHAR NOT NULL,
    provider_agb VARCHAR NOT NULL,
    client_id VARCHAR NOT NULL,
    toewijzing_nummer BIGINT,
    product_category VARCHAR,
    product_code VARCHAR,
    toewijzing_start DATE,
    start_date DATE NOT NULL,
    end_date DATE NOT NULL,
    end_reason VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    message_date DATE NOT NULL,
    PRIMARY KEY (message_key, seq)
);

-- Actual starts and stops: status 1 events not deleted by a later status 3 with the same logical key (IV008).
CREATE VIEW care_start AS
SELECT s.municipality, s.provider_agb, s.client_id, s.toewijzing_nummer, s.product_category,
       s.product_code, s.toewijzing_start, s.start_date, s.message_date, s.message_key
FROM care_start_event s
WHERE s.status = '1' AND NOT EXISTS (
    SELECT 1 FROM care_start_event d
    WHERE d.status = '3' AND d.municipality = s.municipality AND d.client_id = s.client_id
      AND d.toewijzing_nummer IS NOT DISTINCT FROM s.toewijzing_nummer
      AND d.product_code IS NOT DISTINCT FROM s.product_code
      AND d.start_date = s.start_date AND d.message_date >= s.message_date);

CREATE VIEW care_stop AS
SELECT s.municipality, s.provider_agb, s.client_id, s.toewijzing_nummer, s.product_category,
       s.product_code, s.toewijzing_start, s.start_date, s.end_date, s.end_reason, s.message_date,
       s.message_key
FROM care_stop_event s
WHERE s.status = '1' AND NOT EXISTS (
    SELECT 1 FROM care_stop_event d
    WHERE d.status = '3' AND d.municipality = s.municipality AND d.client_id = s.client_id
      AND d.toewijzing_nummer IS NOT DISTINCT FROM s.toewijzing_nummer
      AND d.product_code IS NOT DISTINCT FROM s.product_code
      AND d.start_date = s.start_date AND d.end_date = s.end_date
      AND d.end_reason = s.end_reason AND d.message_date >= s.message_date);

CREATE TABLE change_request (
    provider_agb VARCHAR NOT NULL,
    referentie_aanbieder VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    client_id VARCHAR NOT NULL,
    message_key VARCHAR NOT NULL,
    request_date DATE NOT NULL,
    reason VARCHAR NOT NULL,
    PRIMARY KEY (provider_agb, referentie_aanbieder)
);

CREATE TABLE change_request_line (
    provider_agb VARCHAR NOT NULL,
    referentie_aanbieder VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    toewijzing_nummer BIGINT,
    product_category VARCHAR,
    product_code VARCHAR,
    desired_start DATE,
    end_date DATE,
    volume BIGINT,
    unit VARCHAR,
    frequency VARCHAR,
    budget_cents BIGINT,
    PRIMARY KEY (provider_agb, referentie_aanbieder, seq)
);

CREATE TABLE declaration (
    provider_agb VARCHAR NOT NULL,
    declaratie_nummer VARCHAR NOT NULL,
    message_key VARCHAR NOT NULL,
    message_id VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    declaration_date DATE NOT NULL,
    total_signed_cents BIGINT NOT NULL,
    PRIMARY KEY (provider_agb, declaratie_nummer)
);

CREATE TABLE declaration_line (
    provider_agb VARCHAR NOT NULL,
    referentie_nummer VARCHAR NOT NULL,
    vorig_referentie_nummer VARCHAR,
    declaratie_nummer VARCHAR NOT NULL,
    message_key VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    client_id VARCHAR NOT NULL,
    toewijzing_nummer BIGINT NOT NULL,
    product_category VARCHAR NOT NULL,
    product_code VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    service_month DATE NOT NULL,
    volume BIGINT NOT NULL,
    unit VARCHAR NOT NULL,
    tariff_cents BIGINT,
    amount_cents BIGINT NOT NULL,
    debit_credit VARCHAR NOT NULL,
    signed_amount_cents BIGINT NOT NULL,
    signed_volume BIGINT NOT NULL,
    declaration_date DATE NOT NULL,
    PRIMARY KEY (provider_agb, referentie_nummer)
);

CREATE TABLE declaration_response (
    message_key VARCHAR PRIMARY KEY,
    provider_agb VARCHAR NOT NULL,
    municipality VARCHAR NOT NULL,
    declaration_message_id VARCHAR NOT NULL,
    declaratie_nummer VARCHAR,
    response_date DATE NOT NULL,
    header_codes VARCHAR NOT NULL,
    answer_codes VARCHAR,
    total_submitted_signed_cents BIGINT,
    total_granted_signed_cents BIGINT,
    outcome VARCHAR NOT NULL
);

CREATE TABLE declaration_response_line (
    message_key VARCHAR NOT NULL,
    provider_agb VARCHAR NOT NULL,
    referentie_nummer VARCHAR NOT NULL,
    codes VARCHAR NOT NULL,
    PRIMARY KEY (message_key, referentie_nummer)
);

-- Status of each declared line after the 325 answer (IV087, IV088, OP303, OP304):
-- 'pending' (no answer yet), 'rejected' (whole 323 rejected, or the line listed with a code), 'granted'.
CREATE VIEW declaration_line_status AS
SELECT l.provider_agb, l.referentie_nummer,
       CASE
         WHEN r.message_key IS NULL THEN 'pending'
         WHEN r.outcome = 'rejected' THEN 'rejected'
         WHEN rl.referentie_nummer IS NOT NULL THEN 'rejected'
         ELSE 'granted'
       END AS status,
       r.response_date,
       rl.codes AS codes
FROM declaration_line l
JOIN declaration d ON d.provider_agb = l.provider_agb AND d.declaratie_nummer = l.declaratie_nummer
LEFT JOIN declaration_response r
  ON r.provider_agb = d.provider_agb AND r.declaration_message_id = d.message_id
LEFT JOIN declaration_response_line rl
  ON rl.message_key = r.message_key AND rl.referentie_nummer = l.referentie_nummer;

CREATE TABLE audit_log (
    audit_id VARCHAR PRIMARY KEY,
    logged_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    object VARCHAR NOT NULL,
    filters VARCHAR NOT NULL,
    municipality VARCHAR,
    row_count INTEGER
);
