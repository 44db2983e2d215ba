-- Issue 14: clients that authenticate with a key (RFC 7523 private_key_jwt) instead of a secret.
-- Same conventions as V1: SQL that H2 and PostgreSQL both run, instants as BIGINT nanoseconds
-- since the epoch.

-- A client's public keys: an inline JWK set (JSON, public members only) or a jwks_uri, never both
-- (RFC 7591 §2). Both NULL for a client with a secret. auth_methods gains 'private_key_jwt'.
ALTER TABLE clients ADD COLUMN jwks VARCHAR(65536);
ALTER TABLE clients ADD COLUMN jwks_uri VARCHAR(2048);

-- Whether a client assertion's aud may be the token endpoint URL besides the issuer.
ALTER TABLE tenants ADD COLUMN assertion_token_endpoint_aud BOOLEAN DEFAULT TRUE NOT NULL;

-- Single-use identifiers: the jti of every accepted client assertion (and of DPoP proofs), kept
-- until the assertion's own exp so that no node accepts it twice, across restarts. The primary key
-- is the check: an INSERT that collides is a replay.
-- namespace: who the jti belongs to, e.g. 'client-assertion:<tenant>:<client>' or a DPoP key's.
-- No foreign keys: rows live minutes and are deleted by age (ix_seen_jtis_expiry).
CREATE TABLE seen_jtis (
    namespace     VARCHAR(255) NOT NULL,
    jti           VARCHAR(255) NOT NULL,
    expires_at_ns BIGINT       NOT NULL,
    CONSTRAINT pk_seen_jtis PRIMARY KEY (namespace, jti)
);

CREATE INDEX ix_seen_jtis_expiry ON seen_jtis (expires_at_ns);
