-- Automatic key rotation (issue 13, point 6): how long a tenant's CURRENT key signs before a node
-- rotates the keys on its own, in seconds. NULL: only by hand (keys rotate). Tenants that existed
-- before this version keep rotating only by hand, so an upgrade changes nothing under the
-- operator; tenants created from this version on start with 90 days (TenantSettings).
ALTER TABLE tenants ADD COLUMN key_rotation_interval_s BIGINT;
