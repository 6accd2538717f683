-- Measures register (issue 8): measures and regional action lines per municipality, expected and realised
-- amounts per year, checkpoints (ijkmomenten) and links to indicators. Money in integer euro-cents; a NULL
-- amount means "not stated" (blank in the source), never zero.

CREATE TABLE measure (
    municipality VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    action_line VARCHAR,
    steering_level VARCHAR,
    owner VARCHAR,
    intended_effect VARCHAR,
    interim_result VARCHAR,
    status VARCHAR NOT NULL,
    qualitative_effect VARCHAR,
    start_date DATE,
    theme VARCHAR,
    risks VARCHAR,
    assumptions VARCHAR,
    source VARCHAR,
    note VARCHAR,
    version INTEGER NOT NULL,
    PRIMARY KEY (municipality, number)
);

-- Expected (and realised) amounts per measure and year. needed_nature: 'structureel' / 'incidenteel'.
CREATE TABLE measure_year (
    municipality VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    gross_cents BIGINT,
    structural_cents BIGINT,
    incidental_cents BIGINT,
    extra_income_cents BIGINT,
    needed_cents BIGINT,
    needed_nature VARCHAR,
    investment_cents BIGINT,
    net_cents BIGINT,
    social_cents BIGINT,
    realised_cents BIGINT,
    realised_note VARCHAR,
    PRIMARY KEY (municipality, number, year)
);

-- Checkpoints: the half-year report (period '2020H1') in which the measure is next reviewed.
CREATE TABLE measure_checkpoint (
    municipality VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    period VARCHAR,
    due_date DATE,
    label VARCHAR,
    focus VARCHAR,
    done BOOLEAN NOT NULL,
    outcome VARCHAR,
    PRIMARY KEY (municipality, number, seq)
);

-- Indicators that should move: an analysis of analysis.indicators plus a JSON filter object.
CREATE TABLE measure_indicator (
    municipality VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    analysis VARCHAR NOT NULL,
    filters VARCHAR NOT NULL,
    direction VARCHAR,
    comparison VARCHAR,
    PRIMARY KEY (municipality, number, seq)
);

-- Every saved state of a measure (JSON), for the edit history.
CREATE TABLE measure_history (
    municipality VARCHAR NOT NULL,
    number VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    saved_at TIMESTAMP NOT NULL,
    saved_by VARCHAR NOT NULL,
    content VARCHAR NOT NULL,
    PRIMARY KEY (municipality, number, version)
);

-- "Vertellen": narrative text per report period and indicator, entered by users; append-only versions.
CREATE TABLE narrative (
    municipality VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    indicator VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    body VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL,
    PRIMARY KEY (municipality, period, indicator, version)
);

-- Maatwerkbudget (doorbraakmethode) ledger: one budget per municipality and year, cases against it.
CREATE TABLE flex_budget (
    municipality VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    total_cents BIGINT NOT NULL,
    case_cap_cents BIGINT NOT NULL,
    PRIMARY KEY (municipality, year)
);

CREATE TABLE flex_case (
    case_id VARCHAR PRIMARY KEY,
    municipality VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    requested_on DATE NOT NULL,
    requested_by VARCHAR,
    purpose VARCHAR NOT NULL,
    help_type VARCHAR,
    regular_route_checked BOOLEAN NOT NULL,
    coach VARCHAR NOT NULL,
    amount_cents BIGINT NOT NULL,
    expected_avoided_cents BIGINT,
    social_return_cents BIGINT,
    status VARCHAR NOT NULL,
    approver VARCHAR,
    decided_on DATE,
    spent_cents BIGINT NOT NULL
);
