-- Facts about the store itself, e.g. that it holds synthetic data (shown as a banner in the web UI).
CREATE TABLE store_meta (
    meta_key VARCHAR PRIMARY KEY,
    meta_value VARCHAR NOT NULL
);
