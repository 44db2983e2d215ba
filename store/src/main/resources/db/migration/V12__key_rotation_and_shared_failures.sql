-- Automatic key rotation (issue 13, point 6): how long a tenant's CURRENT key signs before a node
-- rotates the keys on its own, in seconds. NULL: only by hand (keys rotate). Tenants that existed
-- before this version keep rotating only by hand, so an upgrade changes nothing under the
-- operator; tenants created from this version on start with 90 days (TenantSettings).
ALTER TABLE tenants ADD COLUMN key_rotation_interval_s BIGINT;

-- Failed client authentications per source address, summed over every node of one store (issue 13,
-- point 8): each node adds its new failures every second and reads back the addresses over the free
-- failures, so the per-address limit counts the cluster's failures, not one node's. n starts again
-- when last_ns is older than the limit's window. source: an IPv4 address or an IPv6 /64.
CREATE TABLE client_auth_failures (
    source   VARCHAR(128) NOT NULL,
    n        BIGINT       NOT NULL,
    last_ns  BIGINT       NOT NULL,
    CONSTRAINT pk_client_auth_failures PRIMARY KEY (source)
);

-- The read of recent addresses and the pruning both go by age.
CREATE INDEX ix_client_auth_failures_last ON client_auth_failures (last_ns);
