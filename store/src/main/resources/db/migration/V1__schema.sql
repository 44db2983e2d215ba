-- Tollgate's schema. The embedded store (H2 2.x) and the PostgreSQL store run this same file,
-- so it sticks to SQL both understand: VARCHAR (without a length where the domain sets none),
-- BIGINT, INTEGER, BOOLEAN, primary and foreign keys, plain indexes. No reserved words of
-- either database as names (H2 reserves VALUE and KEY, for instance).
--
-- Conventions
--   *_ns columns    instants as BIGINT nanoseconds since 1970-01-01T00:00Z. Neither database's
--                   TIMESTAMP keeps nanoseconds, and java.time.Instant does, so this is the one
--                   portable type in which every instant comes back equal to what was stored.
--                   Range: years 1677 to 2262.
--   space-delimited tokens that can't contain a space (scopes, audiences, authorities, client
--                   authentication methods by their RFC 8414 names); '' is the empty list.
--   enum columns    the Java enum constant's name (ES256, CURRENT, DEFAULT, ...).

CREATE TABLE tenants (
    id                      VARCHAR(64) NOT NULL,
    name                    VARCHAR     NOT NULL,
    signing_algorithm       VARCHAR(16) NOT NULL,
    allow_query_credentials BOOLEAN     NOT NULL,
    default_audience        VARCHAR,
    created_at_ns           BIGINT      NOT NULL,
    CONSTRAINT pk_tenants PRIMARY KEY (id)
);

CREATE TABLE scopes (
    tenant_id   VARCHAR(64)  NOT NULL,
    name        VARCHAR(128) NOT NULL,
    description VARCHAR(500) NOT NULL,
    CONSTRAINT pk_scopes PRIMARY KEY (tenant_id, name),
    CONSTRAINT fk_scopes_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

-- client_id is unique across all tenants: the token endpoint of one tenant must never be able
-- to mistake another tenant's client for its own.
CREATE TABLE clients (
    client_id         VARCHAR(128) NOT NULL,
    tenant_id         VARCHAR(64)  NOT NULL,
    name              VARCHAR(200) NOT NULL,
    allowed_scopes    VARCHAR      NOT NULL,
    default_scopes    VARCHAR      NOT NULL,
    audiences         VARCHAR      NOT NULL,
    authorities       VARCHAR      NOT NULL,
    token_ttl_seconds BIGINT       NOT NULL,
    auth_methods      VARCHAR(200) NOT NULL,
    enabled           BOOLEAN      NOT NULL,
    builtin           VARCHAR(32),
    created_at_ns     BIGINT       NOT NULL,
    updated_at_ns     BIGINT       NOT NULL,
    CONSTRAINT pk_clients PRIMARY KEY (client_id),
    -- Each tenant has at most one client of each builtin kind; NULL (custom clients) repeats freely.
    CONSTRAINT uq_clients_builtin UNIQUE (tenant_id, builtin),
    CONSTRAINT fk_clients_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

CREATE INDEX ix_clients_tenant ON clients (tenant_id, created_at_ns);

-- seq keeps the order of ClientCredential.secrets.
CREATE TABLE client_secrets (
    client_id     VARCHAR(128) NOT NULL,
    secret_id     VARCHAR      NOT NULL,
    seq           INTEGER      NOT NULL,
    hash          VARCHAR      NOT NULL,
    created_at_ns BIGINT       NOT NULL,
    expires_at_ns BIGINT,
    CONSTRAINT pk_client_secrets PRIMARY KEY (client_id, secret_id),
    CONSTRAINT fk_client_secrets_client FOREIGN KEY (client_id) REFERENCES clients (client_id) ON DELETE CASCADE
);

-- jwk is the private JWK as JSON (Nimbus JWK.toJSONString).
CREATE TABLE signing_keys (
    tenant_id        VARCHAR(64) NOT NULL,
    kid              VARCHAR     NOT NULL,
    algorithm        VARCHAR(16) NOT NULL,
    state            VARCHAR(16) NOT NULL,
    jwk              VARCHAR     NOT NULL,
    created_at_ns    BIGINT      NOT NULL,
    activated_at_ns  BIGINT,
    retired_at_ns    BIGINT,
    publish_until_ns BIGINT,
    CONSTRAINT pk_signing_keys PRIMARY KEY (tenant_id, kid),
    CONSTRAINT fk_signing_keys_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

-- Installation-wide values (such as the secret-hashing key), base64-encoded: the two databases
-- share no binary type.
CREATE TABLE installation (
    name         VARCHAR(128) NOT NULL,
    value_base64 VARCHAR      NOT NULL,
    CONSTRAINT pk_installation PRIMARY KEY (name)
);
