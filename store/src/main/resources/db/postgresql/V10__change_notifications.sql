-- Issue 13: every node learns of a change the moment its transaction commits, whoever made it (a
-- node, the CLI, an operator's SQL). NOTIFY is queued with the transaction and delivered only on
-- commit, never on rollback; identical payloads in one transaction are delivered once.
-- PostgreSQL only (db/postgresql): the embedded store has one node and keeps its cache bounds.
--
-- Payload: '<kind> <tenant> <client>' with kind one of tenant, client, keys, revocation; the client
-- is empty when the change is not about one client. TG_ARGV[0] is the kind, TG_ARGV[1] the column
-- holding the tenant id, or '' when the row names only a client (client_secrets).

CREATE FUNCTION tollgate_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed jsonb := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ELSE to_jsonb(NEW) END;
    client  text  := coalesce(changed ->> 'client_id', '');
    tenant  text;
BEGIN
    IF TG_ARGV[1] = '' THEN
        tenant := (SELECT c.tenant_id FROM clients c WHERE c.client_id = changed ->> 'client_id');
    ELSE
        tenant := changed ->> TG_ARGV[1];
    END IF;
    -- A secret whose client is gone: the client's own delete trigger has said so.
    IF tenant IS NOT NULL THEN
        PERFORM pg_notify('tollgate_changes', TG_ARGV[0] || ' ' || tenant || ' ' || client);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tollgate_tenants_changed AFTER INSERT OR UPDATE OR DELETE ON tenants
    FOR EACH ROW EXECUTE FUNCTION tollgate_notify_change('tenant', 'id');
CREATE TRIGGER tollgate_scopes_changed AFTER INSERT OR UPDATE OR DELETE ON scopes
    FOR EACH ROW EXECUTE FUNCTION tollgate_notify_change('tenant', 'tenant_id');
CREATE TRIGGER tollgate_clients_changed AFTER INSERT OR UPDATE OR DELETE ON clients
    FOR EACH ROW EXECUTE FUNCTION tollgate_notify_change('client', 'tenant_id');
CREATE TRIGGER tollgate_client_secrets_changed AFTER INSERT OR UPDATE OR DELETE ON client_secrets
    FOR EACH ROW EXECUTE FUNCTION tollgate_notify_change('client', '');
CREATE TRIGGER tollgate_signing_keys_changed AFTER INSERT OR UPDATE OR DELETE ON signing_keys
    FOR EACH ROW EXECUTE FUNCTION tollgate_notify_change('keys', 'tenant_id');
-- Only new revocations matter to other nodes; deleting expired ones (pruning) tells them nothing.
CREATE TRIGGER tollgate_revoked_tokens_changed AFTER INSERT OR UPDATE ON revoked_tokens
    FOR EACH ROW EXECUTE FUNCTION tollgate_notify_change('revocation', 'tenant_id');
CREATE TRIGGER tollgate_client_token_cutoffs_changed AFTER INSERT OR UPDATE ON client_token_cutoffs
    FOR EACH ROW EXECUTE FUNCTION tollgate_notify_change('revocation', 'tenant_id');
