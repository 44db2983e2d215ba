-- Tokens issued and refused per tenant, client, minute and outcome: what the console's chart and
-- the admin API's issuance statistics read, instead of counting one audit_events row per token.
-- Every node adds its own counts to these rows (INSERT ... ON CONFLICT / MERGE adding n), so the
-- rows hold the cluster's sums. Same conventions as V1: instants as BIGINT nanoseconds since the
-- epoch, enums by their Java constant's name.
-- client_id: '' for a refusal whose presented client id named no client of the tenant.
-- No foreign keys, like audit_events: the counts outlive what they count until pruned by age.
CREATE TABLE token_counts (
    tenant_id    VARCHAR(64)  NOT NULL,
    client_id    VARCHAR(128) NOT NULL,
    minute_ns    BIGINT       NOT NULL,
    outcome      VARCHAR(16)  NOT NULL,
    n            BIGINT       NOT NULL,
    CONSTRAINT pk_token_counts PRIMARY KEY (tenant_id, client_id, outcome, minute_ns)
);

-- Pruning by age.
CREATE INDEX ix_token_counts_minute ON token_counts (minute_ns);

-- The token events already in audit_events, counted, so the charts keep their history.
INSERT INTO token_counts (tenant_id, client_id, minute_ns, outcome, n)
SELECT tenant_id, client_id, minute_ns, outcome, COUNT(*)
FROM (SELECT tenant_id,
             COALESCE(client_id, '') AS client_id,
             (at_ns / 60000000000) * 60000000000 AS minute_ns,
             CASE action WHEN 'token.issued' THEN 'ISSUED' ELSE 'REFUSED' END AS outcome
      FROM audit_events
      WHERE action IN ('token.issued', 'token.refused') AND at_ns >= 0) token_events
GROUP BY tenant_id, client_id, minute_ns, outcome;
