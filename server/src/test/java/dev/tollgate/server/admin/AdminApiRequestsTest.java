package dev.tollgate.server.admin;

import dev.tollgate.core.admin.AdminFailure;
import dev.tollgate.core.admin.AdminRole;
import dev.tollgate.core.admin.Capability;
import dev.tollgate.core.admin.ClientOperations;
import dev.tollgate.core.scope.ScopeSet;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The admin API's request messages, parsed from the maps the JSON parser and the query give:
 * each takes what it should and refuses the rest with every problem at once.
 */
class AdminApiRequestsTest {

    @Test
    void createClientWhenEveryFieldIsGoodThenTheSpecHasThem() {
        CreateClientRequest request = CreateClientRequest.parse(Map.of("name", "billing",
                "allowed_scopes", List.of("users:read", "users:write"), "default_scopes", List.of("users:read"),
                "audiences", List.of("https://api.example"), "token_ttl_seconds", 600L));

        assertThat(request.name()).isEqualTo("billing");
        assertThat(request.allowedScopes()).isEqualTo(ScopeSet.of("users:read", "users:write"));
        assertThat(request.defaultScopes()).isEqualTo(ScopeSet.of("users:read"));
        assertThat(request.audiences()).containsExactly("https://api.example");
        assertThat(request.authorities()).isNull();
        assertThat(request.tokenTtl()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void createClientWhenSeveralFieldsAreBadThenInvalidNamesEveryOne() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", 42L);
        json.put("allowed_scopes", List.of("a b"));
        json.put("default_scopes", "users:read");
        json.put("token_ttl_seconds", -5L);
        json.put("client_secret", "chosen");

        AdminFailure.Invalid invalid = catchThrowableOfType(AdminFailure.Invalid.class,
                () -> CreateClientRequest.parse(json));

        assertThat(invalid.fields()).containsOnlyKeys("name", "allowed_scopes", "default_scopes",
                "token_ttl_seconds", "client_secret");
        assertThat(invalid.fields().get("client_secret")).startsWith("not a writable field here; the writable ones are");
        assertThat(invalid.fields().get("allowed_scopes")).isEqualTo("not a scope name: a b");
    }

    @Test
    void createClientWhenTtlIsAnIntegerBeyondLongThenRefusedNotWrappedIntoRange() {
        // 2^64 + 60: its longValue() alone would read as 60 seconds.
        BigInteger huge = BigInteger.TWO.pow(64).add(BigInteger.valueOf(60));

        AdminFailure.Invalid invalid = catchThrowableOfType(AdminFailure.Invalid.class,
                () -> CreateClientRequest.parse(Map.of("name", "x", "token_ttl_seconds", huge)));

        assertThat(invalid.fields()).containsOnlyKeys("token_ttl_seconds");
    }

    @Test
    void updateClientWhenFieldsAreLeftOutThenTheyStayNull() {
        UpdateClientRequest request = UpdateClientRequest.parse(Map.of("enabled", false));

        assertThat(request.update().enabled()).isFalse();
        assertThat(request.update().name()).isNull();
        assertThat(request.update().allowedScopes()).isNull();
    }

    @Test
    void updateClientWhenNameOrEnabledIsNullThenInvalid() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", null);
        json.put("enabled", null);

        AdminFailure.Invalid invalid = catchThrowableOfType(AdminFailure.Invalid.class,
                () -> UpdateClientRequest.parse(json));

        assertThat(invalid.fields()).containsOnlyKeys("name", "enabled");
    }

    @Test
    void rotateSecretWhenNoBodyThenTheDefaultOverlap() {
        assertThat(RotateSecretRequest.parse(Map.of()).overlap()).isEqualTo(ClientOperations.DEFAULT_ROTATION_OVERLAP);
        assertThat(RotateSecretRequest.parse(Map.of("overlap_seconds", 0L)).overlap()).isEqualTo(Duration.ZERO);
    }

    @Test
    void rotateSecretWhenOverlapIsNullThenInvalid() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("overlap_seconds", null);

        assertThat(catchThrowableOfType(AdminFailure.Invalid.class, () -> RotateSecretRequest.parse(json)).fields())
                .containsEntry("overlap_seconds", "must be a whole number of seconds from 0 to 2592000");
    }

    @Test
    void createAdminWhenRoleIsLeftOutThenAdditionalAdmin() {
        CreateAdminRequest request = CreateAdminRequest.parse(Map.of("username", "ops.admin",
                "capabilities", List.of("view_audit")));

        assertThat(request.role()).isEqualTo(AdminRole.ADDITIONAL_ADMIN);
        assertThat(request.capabilities()).containsExactly(Capability.VIEW_AUDIT);
    }

    @Test
    void updateAdminWhenCapabilitiesAreLeftOutThenNullSoTheyAreKept() {
        UpdateAdminRequest request = UpdateAdminRequest.parse(Map.of("role", "admin"));

        assertThat(request.role()).isEqualTo(AdminRole.ADMIN);
        assertThat(request.capabilities()).isNull();
    }

    @Test
    void createScopeWhenNameAndDescriptionAreBadThenInvalidNamesBoth() {
        AdminFailure.Invalid invalid = catchThrowableOfType(AdminFailure.Invalid.class,
                () -> CreateScopeRequest.parse(Map.of("name", "a b", "description", 5L)));

        assertThat(invalid.fields()).containsOnlyKeys("name", "description");
    }

    @Test
    void loginWhenEmptyThenUsernameAndPasswordRequired() {
        AdminFailure.Invalid invalid = catchThrowableOfType(AdminFailure.Invalid.class,
                () -> LoginRequest.parse(Map.of()));

        assertThat(invalid.fields()).isEqualTo(Map.of("username", "required", "password", "required"));
    }

    @Test
    void loginRequestWhenPrintedThenNoPassword() {
        assertThat(LoginRequest.parse(Map.of("username", "a", "password", "hunter2-secret")).toString())
                .doesNotContain("hunter2");
    }

    @Test
    void auditQueryWhenEveryParameterIsGoodThenTheFilterHasThem() {
        AuditQuery query = AuditQuery.parse(Map.of("actor", "a1", "client", " ", "action", "client.",
                "from", "2026-01-31T12:00:00Z", "limit", "10"));

        assertThat(query.filter().actor()).isEqualTo("a1");
        assertThat(query.filter().clientId()).isNull();
        assertThat(query.filter().action()).isEqualTo("client.");
        assertThat(query.filter().from()).isEqualTo(Instant.parse("2026-01-31T12:00:00Z"));
        assertThat(query.offset()).isZero();
        assertThat(query.limit()).isEqualTo(10);
    }

    @Test
    void auditQueryWhenSeveralParametersAreBadThenInvalidNamesEveryOne() {
        AdminFailure.Invalid invalid = catchThrowableOfType(AdminFailure.Invalid.class,
                () -> AuditQuery.parse(Map.of("from", "yesterday", "to", "2026-13-45T00:00:00Z", "limit", "0",
                        "tenant", "20002")));

        assertThat(invalid.fields()).containsOnlyKeys("from", "to", "limit", "tenant");
        assertThat(invalid.fields().get("tenant")).isEqualTo(
                "unknown parameter; one of action, actor, client, from, limit, offset, to");
    }

    @Test
    void clientQueryAndIssuanceQueryWhenAbsentThenDefaults() {
        assertThat(ClientQuery.parse(Map.of())).isEqualTo(new ClientQuery(null, 0, ClientQuery.DEFAULT_LIMIT));
        assertThat(IssuanceQuery.parse(Map.of()).hours()).isEqualTo(24);
        assertThat(catchThrowableOfType(AdminFailure.Invalid.class,
                () -> IssuanceQuery.parse(Map.of("hours", "745"))).fields()).containsOnlyKeys("hours");
    }

    @Test
    void problemWhenFieldUnknownThenItNamesTheRequestsWritableFields() {
        for (Set<String> writable : List.of(CreateClientRequest.FIELDS, UpdateClientRequest.FIELDS,
                CreateAdminRequest.FIELDS, UpdateAdminRequest.FIELDS)) {
            JsonFields fields = JsonFields.body(Map.of("zz", 1L), writable);
            assertThat(catchThrowableOfType(AdminFailure.Invalid.class, fields::throwIfInvalid).fields().get("zz"))
                    .isEqualTo("not a writable field here; the writable ones are "
                            + String.join(", ", writable.stream().sorted().toList()));
        }
    }
}
