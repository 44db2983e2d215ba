-- Issue 14 point 3: workload identity federation. Same conventions as V1: SQL that H2 and
-- PostgreSQL both run, instants as BIGINT nanoseconds since the epoch.

-- The external issuers a tenant trusts (a Kubernetes cluster, a SPIFFE trust domain).
-- jwks_uri NULL: found by discovery from the issuer. algorithms: space-delimited JWS names.
-- audience NULL: the tenant's issuer URL.
CREATE TABLE trusted_issuers (
    tenant_id             VARCHAR(64)   NOT NULL,
    issuer                VARCHAR(255)  NOT NULL,
    jwks_uri              VARCHAR(2048),
    algorithms            VARCHAR(200)  NOT NULL,
    audience              VARCHAR(255),
    max_lifetime_seconds  BIGINT        NOT NULL,
    created_at_ns         BIGINT        NOT NULL,
    CONSTRAINT pk_trusted_issuers PRIMARY KEY (tenant_id, issuer),
    CONSTRAINT fk_trusted_issuers_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

-- Which (issuer, subject) a federated_jwt client is; claims: a JSON object of claim path to value.
-- The admin API refuses to delete an issuer with bound clients (409); the cascade is for tenant
-- deletion, whose two cascading paths H2 would otherwise order badly.
CREATE TABLE client_federations (
    client_id   VARCHAR(128)  NOT NULL,
    tenant_id   VARCHAR(64)   NOT NULL,
    issuer      VARCHAR(255)  NOT NULL,
    subject     VARCHAR(512)  NOT NULL,
    claims      VARCHAR(8192) NOT NULL,
    CONSTRAINT pk_client_federations PRIMARY KEY (client_id),
    CONSTRAINT fk_client_federations_client FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE,
    CONSTRAINT fk_client_federations_issuer FOREIGN KEY (tenant_id, issuer)
        REFERENCES trusted_issuers (tenant_id, issuer) ON DELETE CASCADE
);

CREATE INDEX ix_client_federations_issuer ON client_federations (tenant_id, issuer);
