-- Issue 15: mutual TLS client authentication and certificate-bound tokens (RFC 8705).
-- Same conventions as V1: SQL that H2 and PostgreSQL both run.

-- A tls_client_auth client's one registered certificate subject (RFC 8705 §2.1.2): which field
-- (subject_dn, san_dns, san_uri, san_ip, san_email) and its value; both NULL for other clients.
-- auth_methods gains 'tls_client_auth' and 'self_signed_tls_client_auth' (the latter's
-- certificates or keys are in V11's jwks column).
ALTER TABLE clients ADD COLUMN tls_subject_field VARCHAR(16);
ALTER TABLE clients ADD COLUMN tls_subject_value VARCHAR(1024);
-- RFC 8705 §3.4 tls_client_certificate_bound_access_tokens for a client that authenticates
-- otherwise: its tokens are bound to the certificate it presents. Off for every existing client.
ALTER TABLE clients ADD COLUMN tls_bound_tokens BOOLEAN DEFAULT FALSE NOT NULL;

-- The tenant's trusted CA bundle for tls_client_auth, as PEM; NULL: none.
ALTER TABLE tenants ADD COLUMN tls_client_ca_bundle VARCHAR(262144);
