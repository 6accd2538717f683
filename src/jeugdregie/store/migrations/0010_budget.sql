-- Budget register (issue 4): budgets and historic realisation per year, municipality and budget line
-- (perceel), the configurable mapping of JZ020 product categories/products to budget lines, and distribution
-- keys for shared regional costs. Money is integer euro-cents (BIGINT).

CREATE TABLE budget_line (
    municipality VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    budget_line VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,          -- 'budget' (begroting/factsheet) or 'realisation' (stated realisation)
    line_type VARCHAR NOT NULL,     -- 'lasten' (expenses) or 'baten' (available means, e.g. macrobudget)
    amount_cents BIGINT NOT NULL,
    in_total BOOLEAN NOT NULL,      -- counts in the expense total of the source
    perceel_group VARCHAR,
    source VARCHAR NOT NULL,
    note VARCHAR,
    PRIMARY KEY (municipality, year, budget_line, kind)
);

-- Which declarations count against which budget line: a whole category (product_code '*') or one product.
-- municipality '*' applies to every municipality; a municipality-specific row wins over '*', a product row
-- wins over its category row.
CREATE TABLE budget_line_map (
    municipality VARCHAR NOT NULL,
    product_category VARCHAR NOT NULL,
    product_code VARCHAR NOT NULL,
    budget_line VARCHAR NOT NULL,
    PRIMARY KEY (municipality, product_category, product_code)
);

-- Distribution keys for shared regional costs (e.g. the H10 purchasing office): the share of each
-- municipality as an exact fraction numerator/denominator (4.61% = 461/10000).
CREATE TABLE distribution_key (
    key_name VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    municipality VARCHAR NOT NULL,
    share_numerator BIGINT NOT NULL,
    share_denominator BIGINT NOT NULL,
    PRIMARY KEY (key_name, year, municipality)
);
