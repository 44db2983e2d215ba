package dev.tollgate.server.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every setting Tollgate reads, with its default and what it means. The configuration file uses
 * {@link #key()}; the environment overrides it with {@link #envName()}; {@code serve}'s flags
 * override both. docs/CONFIGURATION.md lists exactly these (a test keeps the two in step).
 */
public enum ConfigKey {
    HOST("host", "127.0.0.1", "Address the public listener binds to (0.0.0.0 for every interface)."),
    PORT("port", "8080", "Port of the public listener; 0 picks a free one."),
    PUBLIC_URL("public-url", "", "Base URL clients reach the server at; issuers are <public-url>/t/<tenant>. "
            + "Empty: http(s)://<host>:<port> as bound."),
    DEFAULT_TENANT("default-tenant", "10001", "Tenant created on first start, served by the routes that name none, and used by the commands given no --tenant."),
    MANAGEMENT_PORT("management-port", "9090", "Port for /metrics and /health/* (same host); 0 picks a free one."),

    DATA_DIR("data-dir", "data", "Directory of the embedded store (ignored when jdbc-url is set)."),
    JDBC_URL("jdbc-url", "", "PostgreSQL JDBC URL, e.g. jdbc:postgresql://127.0.0.1:5432/tollgate; empty: embedded store."),
    JDBC_USER("jdbc-user", "", "PostgreSQL user."),
    JDBC_PASSWORD("jdbc-password", "", "PostgreSQL password. Prefer the environment variable to the file.", true),
    JDBC_POOL_SIZE("jdbc-pool-size", "10", "Most connections the store's pool opens (1-1000)."),
    STORE_OUTAGE_GRACE("store.outage-grace", "5m", "How long a tenant, client and key ring read from the store "
            + "keep being served from memory while the store is away or slow, counted from their last successful "
            + "read (at least 10s). A change made elsewhere meanwhile (a client disabled through another node during "
            + "a partition) is not seen until the store answers again or the grace runs out."),
    STORE_READ_TIMEOUT("store.read-timeout", "500ms", "Longest a token request waits on the store for a tenant, "
            + "client or key ring it does not have in memory (10ms-30s); past it the request gets 503 "
            + "temporarily_unavailable with Retry-After. While the store is known to be down, such requests "
            + "are answered 503 at once."),
    STORE_READ_PERMITS("store.read-permits", "6", "Store reads of the token path in progress at once (1-1000); "
            + "keep it below jdbc-pool-size so admin work and the audit keep connections."),
    BULKHEAD_ADMIN_PERMITS("bulkhead.admin-permits", "4", "Admin API and console requests in progress at once "
            + "(1-1000); more get 429 with Retry-After at once. Keep it below jdbc-pool-size so the token path "
            + "keeps connections under admin load."),
    BULKHEAD_OAUTH_PERMITS("bulkhead.oauth-permits", "32", "Introspection and revocation requests in progress at "
            + "once (1-10000); more get 503 temporarily_unavailable with Retry-After at once."),

    KEK_FILE("kek.file", "", "File holding the key-encryption key that seals the store's secrets (base64 of 32 bytes, "
            + "mode 600). Created on first start if absent and the store holds no sealed secret; a group- or "
            + "world-accessible file is refused. Empty: <data-dir>.kek next to the embedded store's directory, "
            + "or ./tollgate.kek with jdbc-url."),
    KEK_BASE64("kek.base64", "", "The key-encryption key itself, base64 of 32 bytes, instead of kek.file. "
            + "Set it in the environment (TOLLGATE_KEK_BASE64), not the file.", true),

    MAX_BODY_BYTES("limits.max-body-bytes", "65536", "Largest request body the endpoints read (1024-1048576); "
            + "larger ones are refused with 413 and the endpoint's error body."),
    MAX_HEADER_BYTES("limits.max-header-bytes", "16384", "Largest total size of a request's headers (1024-1048576)."),
    MAX_REQUEST_LINE_BYTES("limits.max-request-line-bytes", "4096", "Longest request line: method, path and query (256-65536)."),
    IDLE_TIMEOUT("timeouts.idle-connection", "2m", "How long a connection may sit idle, between requests or before "
            + "a request line is complete, before it is closed."),
    MAX_CONNECTIONS("limits.max-connections", "10000", "Most connections the public listener holds open at once; "
            + "further ones wait in the kernel's backlog."),
    MANAGEMENT_MAX_CONNECTIONS("limits.management-max-connections", "100", "Most connections the management "
            + "port (metrics, health) holds open at once (1-1000000); further ones wait in the kernel's backlog."),
    REQUEST_TIMEOUT("timeouts.request", "30s", "Longest a request may take from its request line to its response; "
            + "a client that sends its headers or body slower than this is disconnected."),
    SHUTDOWN_GRACE("timeouts.shutdown-grace", "10s", "On SIGTERM, how long in-flight requests get to finish "
            + "before the listener closes."),

    TRUSTED_PROXIES("http.trusted-proxies", "", "Comma-separated IP addresses or CIDR blocks of the reverse "
            + "proxies in front of Tollgate. Only a request whose connection comes from one of them has its "
            + "X-Forwarded-For read: the client is the right-most address there that is not itself a trusted proxy. "
            + "Empty: the header is ignored and the connection's peer is the client."),

    TLS_CERTIFICATE("tls.certificate", "", "PEM file with the server certificate chain; with tls.private-key, "
            + "the public listener speaks HTTPS only."),
    TLS_PRIVATE_KEY("tls.private-key", "", "PEM file with the certificate's private key (PKCS#8)."),
    TLS_KEYSTORE("tls.keystore", "", "PKCS#12 file with key and certificate chain; an alternative to the two PEM files."),
    TLS_KEYSTORE_PASSWORD("tls.keystore-password", "", "Password of the PKCS#12 file.", true),
    TLS_REDIRECT_PORT("tls.http-redirect-port", "", "When set with TLS on, a plain-HTTP listener on this port "
            + "answers every request with a 308 redirect to HTTPS. Empty: no plain-HTTP listener."),
    TLS_CLIENT_AUTH("tls.client-auth", "none", "none: the TLS listener asks for no client certificate. optional: "
            + "it asks every client for one without requiring it (mutual TLS, RFC 8705: tls_client_auth, "
            + "self_signed_tls_client_auth, certificate-bound tokens); clients without one keep working. Any "
            + "certificate is accepted at the handshake; each tenant's CAs and each client's registration judge it."),
    CLIENT_CERTIFICATE_HEADER("http.client-certificate-header", "", "Behind a TLS-terminating proxy: the header in "
            + "which it forwards the client's certificate as URL-escaped PEM (nginx: proxy_set_header "
            + "X-SSL-Client-Cert $ssl_client_escaped_cert). Read only from http.trusted-proxies; from any other peer "
            + "it is ignored. Empty: certificates come only from this server's own TLS listener."),
    TLS_HSTS_MAX_AGE("tls.hsts-max-age", "365d", "Strict-Transport-Security max-age sent on HTTPS responses; 0 sends none."),

    ABUSE_ADDRESS_FREE_FAILURES("abuse.address.free-failures", "100", "Failed client authentications from one "
            + "source address (any client id) answered 401 before the address is slowed: its further failures "
            + "get 429 with Retry-After. A correct secret is never refused, from any address."),
    ABUSE_ADDRESS_REFUSE_AFTER("abuse.address.refuse-after", "300", "Answered failures after which every failure "
            + "from the address gets 429 for abuse.window."),
    ABUSE_BASE_DELAY("abuse.base-delay", "1s", "Retry-After at the first failure past the free ones; it doubles "
            + "with each further answered failure, up to abuse.max-delay; failures during the wait get 429 and are "
            + "not counted."),
    ABUSE_MAX_DELAY("abuse.max-delay", "60s", "Longest Retry-After while slowed."),
    ABUSE_WINDOW("abuse.window", "15m", "How long failures are remembered, and how long a refusal lasts."),
    ABUSE_MAX_TRACKED("abuse.max-tracked", "100000", "Most source addresses the limit remembers; bounds its memory."),

    SESSION_IDLE_TIMEOUT("console.session-idle-timeout", "30m", "A console session ends after this long without a request."),
    SESSION_ABSOLUTE_TIMEOUT("console.session-absolute-timeout", "12h", "A console session ends this long after login, "
            + "however active."),

    LOGIN_FREE_FAILURES("console.login.free-failures", "3", "Failed console logins for one account, and from "
            + "one source address, answered without delay (typos)."),
    LOGIN_REFUSE_AFTER("console.login.refuse-after", "10", "Failed logins after which the account, or the "
            + "address, is refused for console.login.window."),
    LOGIN_BASE_DELAY("console.login.base-delay", "1s", "Wait after the first failed login past the free ones; "
            + "it doubles with each further failure, up to console.login.max-delay."),
    LOGIN_MAX_DELAY("console.login.max-delay", "30s", "Longest wait between failed logins while slowed."),
    LOGIN_WINDOW("console.login.window", "15m", "How long failed logins are remembered, and how long a refusal lasts."),
    LOGIN_HASHING_PERMITS("console.login.hashing-permits", "auto", "Password hashes (about 0.45 CPU-s each: "
            + "logins, password checks) running at once, at most (1-1024); a login finding them all taken for "
            + "150 ms is answered 429. auto: half the processors, at least 1."),

    CLIENT_ASSERTION_MAX_LIFETIME("client-assertion.max-lifetime", "5m", "private_key_jwt: how far ahead of now a "
            + "client assertion's exp may be (10s-1h); a later exp is refused. The replay cache keeps each jti that long."),
    CLIENT_ASSERTION_CLOCK_SKEW("client-assertion.clock-skew", "30s", "private_key_jwt: tolerance for a client's "
            + "clock on an assertion's exp, nbf and iat (0-5m)."),
    JWKS_URI_ALLOW_PRIVATE_ADDRESSES("jwks-uri.allow-private-addresses", "false", "Let a client's jwks_uri resolve "
            + "to loopback, private, link-local or other non-public addresses, and use plain http there. Off: a client "
            + "registration can't make the server fetch from its own network (SSRF)."),
    JWKS_URI_TIMEOUT("jwks-uri.timeout", "2s", "Longest fetch of a client's jwks_uri, connect and read (100ms-30s); "
            + "redirects are never followed."),
    JWKS_URI_MAX_BYTES("jwks-uri.max-bytes", "65536", "Largest jwks_uri response read (1024-1048576); a larger one "
            + "fails the fetch."),
    JWKS_URI_CACHE_TTL("jwks-uri.cache-ttl", "5m", "How long keys fetched from a jwks_uri are used before they are "
            + "fetched again."),
    JWKS_URI_REFETCH_INTERVAL("jwks-uri.refetch-interval", "30s", "Least time between two fetches of one jwks_uri, "
            + "also when an assertion names a kid the cached keys lack (the client rotated) and after a failed "
            + "fetch; at most jwks-uri.cache-ttl."),

    AUDIT_RETENTION("audit.retention", "90d", "Audit events, and the per-minute token counts, older than this are deleted (hourly)."),
    AUDIT_TOKEN_EVENTS("audit.token-events", "stream", "Token issued/refused events: stream (one JSON line per "
            + "event in the audit stream, written off the token path at least every audit.stream.flush-interval), "
            + "committed (each token response waits until its event is in the store's audit log, group-committed) "
            + "or off. Admin changes are audited in the store either way, and the per-client token counts are "
            + "kept in every mode; see docs/OPERATIONS.md for what each mode can lose."),
    AUDIT_COUNTS_FLUSH_INTERVAL("audit.counts.flush-interval", "5s", "How often the per-client, per-minute token "
            + "counts behind the issuance chart are added to the store (100ms-5m); they are also added on a "
            + "graceful stop."),
    AUDIT_STREAM_TARGET("audit.stream.target", "file", "Where the audit stream goes: file (under "
            + "audit.stream.directory, rotated) or stdout (for containers whose runtime collects standard output)."),
    AUDIT_STREAM_DIRECTORY("audit.stream.directory", "", "Directory of the audit stream's files: tokens.jsonl and "
            + "its rotated files tokens-<UTC time>.jsonl. Empty: <data-dir>/audit."),
    AUDIT_STREAM_FLUSH_INTERVAL("audit.stream.flush-interval", "1s", "Longest a token event waits in memory before "
            + "it is written to the operating system (10ms-1m): what a killed process can lose."),
    AUDIT_STREAM_MAX_FILE_SIZE("audit.stream.max-file-size", "100MB", "The stream's file is rotated before it grows "
            + "past this (bytes, or with KB, MB or GB; at least 1KB); it is also rotated when the UTC day changes."),
    AUDIT_STREAM_MAX_FILES("audit.stream.max-files", "100", "Rotated stream files kept, at most (1-100000); the "
            + "oldest are deleted first."),
    AUDIT_STREAM_RETENTION("audit.stream.retention", "90d", "Rotated stream files older than this are deleted "
            + "(at least 1h)."),
    AUDIT_STREAM_QUEUE_SIZE("audit.stream.queue-size", "65536", "Token events waiting for the stream's writer, at "
            + "most (16-10000000); when it is full, events are dropped and counted in "
            + "tollgate_audit_stream_dropped_total rather than slowing the token endpoint."),

    LOG_FORMAT("log.format", "auto", "auto (text when stderr is a terminal, json otherwise), json (one JSON object per line) or text."),
    LOG_LEVEL("log.level", "INFO", "Level of the application log: TRACE, DEBUG, INFO, WARN, ERROR or OFF."),
    ACCESS_LOG_LEVEL("log.access-level", "OFF", "Level of the tollgate.access logger: INFO writes one line per "
            + "request, OFF none.");

    private final String key;
    private final String defaultValue;
    private final String description;
    private final boolean secret;

    ConfigKey(String key, String defaultValue, String description) {
        this(key, defaultValue, description, false);
    }

    ConfigKey(String key, String defaultValue, String description, boolean secret) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.secret = secret;
    }

    /** The name in the configuration file, e.g. {@code limits.max-body-bytes}. */
    public String key() {
        return key;
    }

    /** The default as written in the file; empty means unset. */
    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Values never printed by {@code config check}. */
    public boolean isSecret() {
        return secret;
    }

    /** The environment variable that overrides the key: {@code TOLLGATE_} and the key in upper snake case. */
    public String envName() {
        return "TOLLGATE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public static Optional<ConfigKey> byKey(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }
}
