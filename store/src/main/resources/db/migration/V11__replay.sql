-- Single-use identifiers (issue 14): the jti of every accepted private_key_jwt client assertion (and
-- of DPoP proofs), kept until the assertion's own exp so that no node accepts it twice, across
-- restarts. The primary key is the check: an INSERT that collides is a replay. Same conventions as
-- V1: SQL that H2 and PostgreSQL both run, instants as BIGINT nanoseconds since the epoch.
-- namespace: who the jti belongs to, e.g. 'client-assertion:<tenant>:<client>' or a DPoP key's.
-- No foreign keys: rows live minutes and are deleted by age (ix_seen_jtis_expiry).
CREATE TABLE seen_jtis (
    namespace     VARCHAR(128) NOT NULL,
    jti           VARCHAR(255) NOT NULL,
    expires_at_ns BIGINT       NOT NULL,
    CONSTRAINT pk_seen_jtis PRIMARY KEY (namespace, jti)
);

CREATE INDEX ix_seen_jtis_expiry ON seen_jtis (expires_at_ns);
