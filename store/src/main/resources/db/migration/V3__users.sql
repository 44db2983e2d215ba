-- The users API's directory (the first reference document's example API). Same conventions as
-- V1: SQL that H2 and PostgreSQL both run, instants as BIGINT nanoseconds since the epoch.
--
-- id is a UUID in canonical lower-case text, unique across all tenants, but every lookup also
-- names the tenant, so one tenant's token can never reach another tenant's user by id.
CREATE TABLE users (
    id            VARCHAR(36)  NOT NULL,
    tenant_id     VARCHAR(64)  NOT NULL,
    username      VARCHAR(64)  NOT NULL,
    email         VARCHAR(254) NOT NULL,
    first_name    VARCHAR(100),
    last_name     VARCHAR(100),
    created_at_ns BIGINT       NOT NULL,
    updated_at_ns BIGINT       NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    CONSTRAINT uq_users_username UNIQUE (tenant_id, username),
    CONSTRAINT fk_users_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

-- The list's order (and its pages); the filter by email.
CREATE INDEX ix_users_tenant_created ON users (tenant_id, created_at_ns, id);
CREATE INDEX ix_users_tenant_email ON users (tenant_id, email);
