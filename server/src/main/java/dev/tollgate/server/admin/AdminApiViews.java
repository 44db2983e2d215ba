package dev.tollgate.server.admin;

import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.util.JSONObjectUtils;
import dev.tollgate.core.admin.Admin;
import dev.tollgate.core.admin.AdminAccounts.AdminWithPassword;
import dev.tollgate.core.admin.AdminAccounts.Authenticated;
import dev.tollgate.core.admin.AdminViews;
import dev.tollgate.core.admin.ClientWithSecret;
import dev.tollgate.core.admin.Page;
import dev.tollgate.core.audit.AuditEvent;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.revocation.ClientTokenCutoff;
import dev.tollgate.core.scope.ScopeDefinition;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The admin API's representations: {@link AdminViews}' shared parts of each object, plus what
 * only the API shows (timestamps, the default-credential flag, a secret or password shown once).
 */
final class AdminApiViews {

    private AdminApiViews() {
    }

    /** A client: every setting, the secrets' ids and windows, never a secret or hash. */
    static Map<String, Object> client(ClientCredential client) {
        Map<String, Object> json = AdminViews.clientSettings(client);
        json.put("default_credential", client.isBuiltin());
        json.put("secrets", AdminViews.secrets(client));
        json.put("keys", AdminViews.keys(client));
        json.put("created_at", client.createdAt().toString());
        json.put("updated_at", client.updatedAt().toString());
        return json;
    }

    /** A private_key_jwt client's keys: its id, its method, the jwks_uri or the inline keys' kid, type and thumbprint. */
    static Map<String, Object> keys(ClientCredential client) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("client_id", client.clientId().value());
        json.put("token_endpoint_auth_method", client.tokenEndpointAuthMethod().wireName());
        json.put("jwks_uri", client.keys().jwksUri() == null ? null : client.keys().jwksUri().toString());
        json.put("keys", AdminViews.keys(client));
        return json;
    }

    /** A client just created or rotated: the only response that ever carries its secret. */
    static Map<String, Object> clientWithSecret(ClientWithSecret created) {
        Map<String, Object> json = client(created.client());
        if (created.secret() != null) {
            // A private_key_jwt or mTLS client (RFC 8705) has none: it proves itself with its key or certificate.
            json.put("client_secret", created.secret().reveal());
        }
        return json;
    }

    /** Tokens issued per bucket, oldest first, ending now. */
    static Map<String, Object> issuance(ClientId id, Duration bucket, long[] counts) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("client_id", id.value());
        json.put("bucket_seconds", bucket.toSeconds());
        json.put("issued", Arrays.stream(counts).boxed().toList());
        return json;
    }

    /** A client-wide revocation: tokens issued before {@code not_before} are revoked. */
    static Map<String, Object> cutoff(ClientTokenCutoff cutoff) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("client_id", cutoff.client().value());
        json.put("not_before", cutoff.notBefore().toString());
        return json;
    }

    static Map<String, Object> scope(ScopeDefinition scope) {
        return AdminViews.scope(scope);
    }

    static Map<String, Object> admin(Admin admin) {
        Map<String, Object> json = AdminViews.admin(admin);
        json.put("created_at", admin.createdAt().toString());
        json.put("updated_at", admin.updatedAt().toString());
        return json;
    }

    /** An admin just created, with the generated password: shown once, to be changed at first login. */
    static Map<String, Object> adminWithPassword(AdminWithPassword created) {
        Map<String, Object> json = admin(created.admin());
        json.put("password", created.password());
        return json;
    }

    /** A session's answer: its CSRF token (the cookie itself is HttpOnly) and who it is. */
    static Map<String, Object> session(Authenticated who) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("csrf_token", who.session().csrfToken());
        json.put("must_change_password", who.admin().mustChangePassword());
        json.put("admin", admin(who.admin()));
        return json;
    }

    static Map<String, Object> audit(AuditEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", event.id());
        json.put("at", event.at().toString());
        json.put("actor_kind", event.actorKind().name().toLowerCase(Locale.ROOT));
        json.put("actor_id", event.actorId());
        json.put("actor_name", event.actorName());
        json.put("action", event.action());
        json.put("client_id", event.clientId());
        json.put("target", event.target());
        json.put("address", event.address());
        json.put("before", parsedOrText(event.before()));
        json.put("after", parsedOrText(event.after()));
        json.put("detail", event.detail());
        return json;
    }

    /** One page of a list, under {@code name}, with where it lies in the whole. */
    static <T> Map<String, Object> page(String name, Page<T> page, Function<T, Map<String, Object>> item) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(name, page.items().stream().map(item).toList());
        json.put("total", page.total());
        json.put("offset", page.offset());
        json.put("limit", page.limit());
        return json;
    }

    /** An audit record's before and after are JSON the policy wrote; older records may be plain text. */
    private static Object parsedOrText(String json) {
        if (json == null) {
            return null;
        }
        try {
            return JSONObjectUtils.parse(json);
        } catch (ParseException e) {
            return json;
        }
    }
}
