-- Secrets at rest are sealed (envelope encryption under a key-encryption key kept outside the
-- database): signing_keys.jwk, admins.totp_secret and installation.value_base64 now hold
-- tgenc1:<kek id>:<wrapped data key>:<ciphertext>, which the server writes over the plain values at
-- its first start on this version. A sealed TOTP seed is about 190 characters; the other two columns
-- are unbounded already.
ALTER TABLE admins ALTER COLUMN totp_secret SET DATA TYPE VARCHAR(512);
