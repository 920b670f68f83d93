-- Each claim writes a token of its own, and recording an attempt checks it: a holder whose
-- lease ran out, and whose delivery was claimed again meanwhile, cannot overwrite the new
-- holder's record. `leased_by` names the instance that holds the claim (on PostgreSQL several
-- share the queue; here it is always this one).
ALTER TABLE deliveries ADD COLUMN lease_token INTEGER;
ALTER TABLE deliveries ADD COLUMN leased_by TEXT;
