-- Issue 11: introspection becomes a permission a client is granted, and a tenant lists the
-- authorities and audiences a credential manager may give its clients. Same conventions as V1
-- (lists space-delimited, '' for none).

-- Every client that exists at the upgrade keeps introspecting, so the APIs that call the endpoint
-- with it keep working; the default is dropped at once, so a client created from now on holds the
-- permission only when its insert says so (ClientSpec: not unless asked for).
ALTER TABLE clients ADD COLUMN introspection BOOLEAN DEFAULT TRUE NOT NULL;
ALTER TABLE clients ALTER COLUMN introspection DROP DEFAULT;

-- Empty lists: only a tenant admin gives clients authorities or audiences other than the default
-- audience, until the tenant lists some (values a client already holds may stay on it).
ALTER TABLE tenants ADD COLUMN allowed_authorities VARCHAR DEFAULT '' NOT NULL;
ALTER TABLE tenants ADD COLUMN allowed_audiences VARCHAR DEFAULT '' NOT NULL;
