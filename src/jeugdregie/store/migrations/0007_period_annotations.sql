-- Period annotations (capability C54): known disturbances marked in every trend and comparison.
-- municipality '*' applies to all municipalities. Months are first days; end_month is inclusive.
CREATE TABLE period_annotation (
    annotation_id VARCHAR PRIMARY KEY,
    municipality VARCHAR NOT NULL,
    start_month DATE NOT NULL,
    end_month DATE NOT NULL,
    label VARCHAR NOT NULL,
    description VARCHAR,
    source VARCHAR,
    created_by VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The two disturbances the seeds name; a municipality can remove or change them (`annotations remove`).
INSERT INTO period_annotation VALUES
('corona-2020', '*', DATE '2020-03-01', DATE '2021-12-01', 'Corona',
 'Coronamaatregelen: een deel van de zorg ging niet door, een deel kreeg extra kosten; instroom en declaraties wijken af.',
 'VNG Maatregelen jeugdhulp 2022 (seed 002)', 'jeugdregie', TIMESTAMP '2026-12-03 00:00:00'),
('bekostiging-2020', '*', DATE '2020-01-01', DATE '2020-12-01', 'Nieuwe bekostiging 2020',
 'Knip in 2020: resultaatgerichte inkoop (profielen en trajecttarieven); reeksen voor en na 2020 zijn niet zonder meer vergelijkbaar.',
 'Zoetermeer Actieplan Taskforce Jeugd 2019 (seed 004)', 'jeugdregie', TIMESTAMP '2026-12-03 00:00:00');
