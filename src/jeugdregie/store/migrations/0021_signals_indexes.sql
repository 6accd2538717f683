-- Signals and every analysis that reads declaration_line_status: the view finds the 325 answer of a line's
-- declaration by (provider_agb, declaration_message_id). Without an index PostgreSQL, which underestimates
-- the multi-column joins, probes declaration_response with a sequential scan per line (BENCHMARKS.md, signals).
CREATE INDEX IF NOT EXISTS declaration_response_declaration ON declaration_response (provider_agb, declaration_message_id);
