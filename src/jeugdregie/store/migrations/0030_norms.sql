-- Access steering: product norms (intensity, duration, tariff) and the budget box; team areas.
-- Portable SQL (DuckDB + PostgreSQL). Money in integer euro-cents.

-- One norm per product (JZ020 category + product code) and validity start.
-- norm_kind 'eenheid': max_units_per_period units of `unit` (WJ756) per `period` (dag/week/maand/jaar),
--   at most max_periods periods, tariff_cents per unit: budget box Q = max_units_per_period * max_periods,
--   box cents = Q * tariff_cents.
-- norm_kind 'pic': profiel-intensiteitcombinatie with a fixed trajectory_tariff_cents per trajectory;
--   max_periods (optional) is the duration norm of one trajectory.
CREATE TABLE access_norm (
    product_category VARCHAR NOT NULL,
    product_code VARCHAR NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE,
    label VARCHAR,
    norm_kind VARCHAR NOT NULL,
    unit VARCHAR,
    period VARCHAR,
    max_units_per_period BIGINT,
    max_periods INTEGER,
    tariff_cents BIGINT,
    trajectory_tariff_cents BIGINT,
    source VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    PRIMARY KEY (product_category, product_code, valid_from)
);

-- Optional: which access team (jeugdteam / wijkteam) serves which PC4 area of a municipality.
CREATE TABLE access_team_area (
    municipality VARCHAR NOT NULL,
    pc4 VARCHAR NOT NULL,
    team VARCHAR NOT NULL,
    PRIMARY KEY (municipality, pc4)
);
