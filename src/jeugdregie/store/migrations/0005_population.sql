-- Population denominators (CBS residents per municipality, year and age band) for reach rates.
CREATE TABLE population (
    municipality VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    age_from INTEGER NOT NULL,
    age_to INTEGER NOT NULL,
    residents INTEGER NOT NULL,
    source VARCHAR,
    PRIMARY KEY (municipality, year, age_from, age_to)
);
