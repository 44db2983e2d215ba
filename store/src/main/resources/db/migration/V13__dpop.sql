-- Issue 15: sender-constrained tokens with DPoP (RFC 9449).

-- RFC 9449 §5.2 dpop_bound_access_tokens: the client must present a DPoP proof with every token
-- request. Off for every existing client, so nothing that works today stops working.
ALTER TABLE clients ADD COLUMN dpop_bound_access_tokens BOOLEAN DEFAULT FALSE NOT NULL;

-- RFC 9449 §8/§9: DPoP proofs must carry a nonce the server provided (DPoP-Nonce). Off by default:
-- a nonce costs every client one extra round trip when it starts.
ALTER TABLE tenants ADD COLUMN dpop_nonces BOOLEAN DEFAULT FALSE NOT NULL;
