-- Quarantined lines keep their (non-personal) references so signals can use them as evidence:
-- the line's ReferentieNummer (323) or ToewijzingNummer, and the client pseudonym when the BSN was valid.
ALTER TABLE quarantine ADD COLUMN item_ref VARCHAR;
ALTER TABLE quarantine ADD COLUMN client_id VARCHAR;
