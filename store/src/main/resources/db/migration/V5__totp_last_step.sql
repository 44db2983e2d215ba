-- RFC 6238 §5.2: a TOTP code is accepted once. The last accepted time step (Unix time / 30 s) is
-- kept with the admin rather than in one process's memory, so a code is not accepted again after a
-- restart or by another node; a guarded UPDATE (only a later step) makes the check atomic across
-- nodes. NULL until the admin's first code is accepted.
ALTER TABLE admins ADD COLUMN totp_last_step BIGINT;
