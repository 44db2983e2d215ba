-- Token revocation (RFC 7009) and client-wide revocation. Same conventions as V1: SQL that H2 and
-- PostgreSQL both run, instants as BIGINT nanoseconds since the epoch.
--
-- Rows matter only while the tokens they cover can still be unexpired; servers delete the others
-- (ix_*_expiry), so both tables stay small. Servers hold the whole of both in memory: checking a
-- token never reads them.

-- One revoked access token, by its jti, until the token's own exp.
CREATE TABLE revoked_tokens (
    tenant_id     VARCHAR(64)  NOT NULL,
    jti           VARCHAR(128) NOT NULL,
    client_id     VARCHAR(128) NOT NULL,
    expires_at_ns BIGINT       NOT NULL,
    CONSTRAINT pk_revoked_tokens PRIMARY KEY (tenant_id, jti),
    CONSTRAINT fk_revoked_tokens_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

CREATE INDEX ix_revoked_tokens_expiry ON revoked_tokens (expires_at_ns);

-- Every token of a client issued (iat) before not_before_ns is revoked; kept until keep_until_ns,
-- when the longest-lived of those tokens has expired. No foreign key to clients: a deleted
-- client's tokens stay revoked until they expire.
CREATE TABLE client_token_cutoffs (
    tenant_id     VARCHAR(64)  NOT NULL,
    client_id     VARCHAR(128) NOT NULL,
    not_before_ns BIGINT       NOT NULL,
    keep_until_ns BIGINT       NOT NULL,
    CONSTRAINT pk_client_token_cutoffs PRIMARY KEY (tenant_id, client_id),
    CONSTRAINT fk_client_token_cutoffs_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

CREATE INDEX ix_client_token_cutoffs_expiry ON client_token_cutoffs (keep_until_ns);
