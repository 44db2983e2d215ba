package dev.tollgate.core.token;

import com.nimbusds.jose.util.X509CertUtils;
import dev.tollgate.core.client.ClientAuthMethod;
import dev.tollgate.core.client.ClientCertificateAuthorities;
import dev.tollgate.core.client.ClientCredential;
import dev.tollgate.core.client.ClientId;
import dev.tollgate.core.client.ClientKeys;
import dev.tollgate.core.client.ClientTls;
import dev.tollgate.core.client.ClientTls.SubjectField;
import dev.tollgate.core.scope.ScopeSet;
import dev.tollgate.core.tenant.Tenant;
import dev.tollgate.core.tenant.TenantId;
import dev.tollgate.core.tenant.TenantSettings;
import dev.tollgate.core.token.TokenRefusal.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One test per branch of {@link CertificateAuthenticator} (RFC 8705 §2), with certificates made by
 * openssl once and kept here (valid 2026-2126), and time given to the policy, never read.
 */
class CertificateAuthenticatorTest {

    private static final String CA_PEM = """
            -----BEGIN CERTIFICATE-----
            MIIBizCCATGgAwIBAgIUQsNQzq8cMkwO/IXkHFKeo6laBn4wCgYIKoZIzj0EAwIw
            EjEQMA4GA1UEAwwHVW5pdCBDQTAgFw0yNjEyMDMyMDI0MjBaGA8yMTI2MTEwOTIw
            MjQyMFowEjEQMA4GA1UEAwwHVW5pdCBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEH
            A0IABB6Bde3E2mDFEkFLJ15amC2MC4ssk8f8qhK8WMVRW1uMJjuaC8d3r59q2dn3
            DSITYCBvQiBPs+/kISEypoDJ37qjYzBhMB0GA1UdDgQWBBRP2LYiUz8a2DxyoQRY
            fXhxdx+EKTAfBgNVHSMEGDAWgBRP2LYiUz8a2DxyoQRYfXhxdx+EKTAPBgNVHRMB
            Af8EBTADAQH/MA4GA1UdDwEB/wQEAwIBBjAKBggqhkjOPQQDAgNIADBFAiEAzdGO
            zv5+3RWZGj6g611UwYkd4LVe8j7rTCd0dBUHkwoCIAMuqw+/SucoChzN/I3uOiQT
            CC9xW1qzb8cRY9rpztz+
            -----END CERTIFICATE-----
            """;
    /** Issued by CA_PEM: O=Example, CN=orders; DNS orders.example.com, URI spiffe://example.com/orders, IP 2001:db8::1, email Orders@example.com. */
    private static final X509Certificate LEAF = X509CertUtils.parse("""
            -----BEGIN CERTIFICATE-----
            MIIB6jCCAZCgAwIBAgIUDyiEKkMVSsUB/jSNqtB6JuXBScAwCgYIKoZIzj0EAwIw
            EjEQMA4GA1UEAwwHVW5pdCBDQTAgFw0yNjEyMDMyMDI0MjFaGA8yMTI2MTEwOTIw
            MjQyMVowIzEQMA4GA1UECgwHRXhhbXBsZTEPMA0GA1UEAwwGb3JkZXJzMFkwEwYH
            KoZIzj0CAQYIKoZIzj0DAQcDQgAEoNrFcNkTVqAKvcrJ/P58SHWHW0CtpXFuPgku
            bPgpy0FpD6pLHJzGuJCyUsI/Z/I5p8Vnw+SEbqJ9VPk+MKIzc6OBsDCBrTBgBgNV
            HREEWTBXghJvcmRlcnMuZXhhbXBsZS5jb22GG3NwaWZmZTovL2V4YW1wbGUuY29t
            L29yZGVyc4cQIAENuAAAAAAAAAAAAAAAAYEST3JkZXJzQGV4YW1wbGUuY29tMAkG
            A1UdEwQCMAAwHQYDVR0OBBYEFIWfcw4pdtQLpBL079ZotifYhfY7MB8GA1UdIwQY
            MBaAFE/YtiJTPxrYPHKhBFh9eHF3H4QpMAoGCCqGSM49BAMCA0gAMEUCIGsKTORh
            Cqv7K0y42sob1IBjCCIr3puMgAK9XEN0kL7lAiEA8Vn7GtL5UeY6u5XULu3wZ8gf
            6p8KK32i8+6kQ4KjeR8=
            -----END CERTIFICATE-----
            """);
    static final X509Certificate SELF_A = X509CertUtils.parse("""
            -----BEGIN CERTIFICATE-----
            MIIBfDCCASOgAwIBAgIUTpHDJToUIS189XcmHfRt+94H5xcwCgYIKoZIzj0EAwIw
            EzERMA8GA1UEAwwIY2xpZW50LWEwIBcNMjYxMjAzMjAyMzQ3WhgPMjEyNjExMDky
            MDIzNDdaMBMxETAPBgNVBAMMCGNsaWVudC1hMFkwEwYHKoZIzj0CAQYIKoZIzj0D
            AQcDQgAEAV5q8T3RGdGZieVLyScbwlsA8ST7mb2Djn4iTAbGZLNQkIrvQu3vTj67
            LZ1lzzHYMrbrJsxpaXui0KdLDERg4aNTMFEwHQYDVR0OBBYEFBVZoJ2x6lpEBTX6
            QZ56p4Rj00abMB8GA1UdIwQYMBaAFBVZoJ2x6lpEBTX6QZ56p4Rj00abMA8GA1Ud
            EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgN+zJKrGYvilY5maqoyY+gg3/
            o7ZMyY68+l1aNK3MB3ECIHx4eSveni7ibVS5P4nvaTY7IhrrHP6XHbis6CWhEbPP
            -----END CERTIFICATE-----
            """);
    private static final X509Certificate SELF_B = X509CertUtils.parse("""
            -----BEGIN CERTIFICATE-----
            MIIBfDCCASOgAwIBAgIUNrvyk/YKQu29Uc0ORs9Bq2/7JXkwCgYIKoZIzj0EAwIw
            EzERMA8GA1UEAwwIY2xpZW50LWIwIBcNMjYxMjAzMjAyMzQ3WhgPMjEyNjExMDky
            MDIzNDdaMBMxETAPBgNVBAMMCGNsaWVudC1iMFkwEwYHKoZIzj0CAQYIKoZIzj0D
            AQcDQgAE1DYuszf3YwpNpPBa9nFDvc24QwOFfjKjXpKwUyhDChDRYa9Eo0BozvQb
            zikIeVnaSFPMjwxrCUsL0mstkryrwaNTMFEwHQYDVR0OBBYEFFEZMOSz8EsgvgiR
            dd6hfZxO7NjUMB8GA1UdIwQYMBaAFFEZMOSz8EsgvgiRdd6hfZxO7NjUMA8GA1Ud
            EwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgd8a9LBsWsXptCvOp1SwvR3P1
            NUGQb4QW0m30Kgh4DYICIBB663tzJgfiCplxTwczglaEnMEUHnhaPGzidUuFCZ5N
            -----END CERTIFICATE-----
            """);
    private static final X509Certificate CA = X509CertUtils.parse(CA_PEM);

    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final TenantId TENANT = TenantId.of("10001");

    private final CertificateAuthenticator authenticator = new CertificateAuthenticator();
    private final Tenant trusting = new Tenant(TENANT, "T",
            TenantSettings.DEFAULTS.withClientCas(ClientCertificateAuthorities.of(CA_PEM)), NOW);
    private final Tenant untrusting = new Tenant(TENANT, "T", TenantSettings.DEFAULTS, NOW);

    private static ClientCredential tlsClient(SubjectField field, String value) {
        return new ClientCredential(TENANT, ClientId.generate(), "orders", ScopeSet.EMPTY, ScopeSet.EMPTY, null, null,
                ClientCredential.DEFAULT_TOKEN_TTL, Set.of(ClientAuthMethod.TLS_CLIENT_AUTH), true, false, null,
                List.of(), null, ClientTls.subject(field, value), NOW, NOW);
    }

    private static ClientCredential selfSignedClient(X509Certificate registered) {
        return new ClientCredential(TENANT, ClientId.generate(), "self", ScopeSet.EMPTY, ScopeSet.EMPTY, null, null,
                ClientCredential.DEFAULT_TOKEN_TTL, Set.of(ClientAuthMethod.SELF_SIGNED_TLS_CLIENT_AUTH), true, false,
                null, List.of(), ClientKeys.inline(ClientKeys.parsePublicKeys(X509CertUtils.toPEMString(registered))),
                null, NOW, NOW);
    }

    private static Reason reason(Optional<TokenRefusal> refusal) {
        assertThat(refusal).isPresent();
        assertThat(refusal.get().error()).isEqualTo(OAuthErrorCode.INVALID_CLIENT);
        return refusal.get().reason();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SUBJECT_DN | cn=orders, o=Example",
            "SAN_DNS    | Orders.Example.COM",
            "SAN_URI    | spiffe://example.com/orders",
            "SAN_IP     | 2001:db8:0:0:0:0:0:1",
            "SAN_EMAIL  | Orders@EXAMPLE.com"})
    void authenticateWhenTrustedChainCarriesTheRegisteredSubjectThenAccepted(SubjectField field, String value) {
        assertThat(authenticator.authenticate(trusting, tlsClient(field, value), List.of(LEAF), NOW)).isEmpty();
    }

    @Test
    void authenticateWhenClientSendsItsCaAlongThenAccepted() {
        assertThat(authenticator.authenticate(trusting, tlsClient(SubjectField.SAN_DNS, "orders.example.com"),
                List.of(LEAF, CA), NOW)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SUBJECT_DN | CN=orders,O=Other",
            "SAN_DNS    | billing.example.com",
            "SAN_URI    | spiffe://example.com/Orders",
            "SAN_IP     | 2001:db8::2",
            "SAN_EMAIL  | orders@example.com"})
    void authenticateWhenSubjectDiffersThenSubjectMismatch(SubjectField field, String value) {
        assertThat(reason(authenticator.authenticate(trusting, tlsClient(field, value), List.of(LEAF), NOW)))
                .isEqualTo(Reason.CERTIFICATE_SUBJECT_MISMATCH);
    }

    @Test
    void authenticateWhenTenantTrustsNoCaThenUntrusted() {
        assertThat(reason(authenticator.authenticate(untrusting, tlsClient(SubjectField.SAN_DNS, "orders.example.com"),
                List.of(LEAF), NOW))).isEqualTo(Reason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void authenticateWhenChainLeadsToAnotherCaThenUntrusted() {
        Tenant other = new Tenant(TENANT, "T", TenantSettings.DEFAULTS.withClientCas(
                ClientCertificateAuthorities.of(X509CertUtils.toPEMString(SELF_A))), NOW);

        assertThat(reason(authenticator.authenticate(other, tlsClient(SubjectField.SAN_DNS, "orders.example.com"),
                List.of(LEAF), NOW))).isEqualTo(Reason.CERTIFICATE_UNTRUSTED);
    }

    @Test
    void authenticateWhenCertificateExpiredOrNotYetValidThenExpired() {
        ClientCredential client = tlsClient(SubjectField.SAN_DNS, "orders.example.com");

        assertThat(reason(authenticator.authenticate(trusting, client, List.of(LEAF),
                Instant.parse("2200-01-01T00:00:00Z")))).isEqualTo(Reason.CERTIFICATE_EXPIRED);
        assertThat(reason(authenticator.authenticate(trusting, client, List.of(LEAF),
                Instant.parse("2000-01-01T00:00:00Z")))).isEqualTo(Reason.CERTIFICATE_EXPIRED);
    }

    @Test
    void authenticateWhenNoCertificateThenCertificateRequired() {
        assertThat(reason(authenticator.authenticate(trusting, tlsClient(SubjectField.SAN_DNS, "orders.example.com"),
                List.of(), NOW))).isEqualTo(Reason.CERTIFICATE_REQUIRED);
    }

    @Test
    void authenticateWhenUnknownClientThenUnknownClient() {
        assertThat(reason(authenticator.authenticate(trusting, null, List.of(LEAF), NOW)))
                .isEqualTo(Reason.UNKNOWN_CLIENT);
    }

    @Test
    void authenticateWhenClientUsesASecretThenMethodNotAllowed() {
        ClientCredential secretClient = new ClientCredential(TENANT, ClientId.generate(), "s", ScopeSet.EMPTY,
                ScopeSet.EMPTY, null, null, ClientCredential.DEFAULT_TOKEN_TTL, null, true, false, null, List.of(),
                NOW, NOW);

        assertThat(reason(authenticator.authenticate(trusting, secretClient, List.of(LEAF), NOW)))
                .isEqualTo(Reason.AUTH_METHOD_NOT_ALLOWED);
    }

    @Test
    void authenticateWhenDisabledClientProvesItsCertificateThenDisabled() {
        ClientCredential disabled = tlsClient(SubjectField.SAN_DNS, "orders.example.com").withEnabled(false, NOW);

        assertThat(reason(authenticator.authenticate(trusting, disabled, List.of(LEAF), NOW)))
                .isEqualTo(Reason.CLIENT_DISABLED);
    }

    @Test
    void authenticateWhenSelfSignedCertificateIsRegisteredThenAcceptedAndOtherwiseUnknownKey() {
        ClientCredential client = selfSignedClient(SELF_A);

        assertThat(authenticator.authenticate(untrusting, client, List.of(SELF_A), NOW)).isEmpty();
        assertThat(reason(authenticator.authenticate(untrusting, client, List.of(SELF_B), NOW)))
                .isEqualTo(Reason.CERTIFICATE_UNKNOWN_KEY);
        assertThat(reason(authenticator.authenticate(untrusting, client, List.of(SELF_A),
                Instant.parse("2200-01-01T00:00:00Z")))).isEqualTo(Reason.CERTIFICATE_EXPIRED);
    }

    @Test
    void clientTlsWhenSubjectIsNoDnOrNoIpLiteralThenRefused() {
        assertThatThrownBy(() -> ClientTls.subject(SubjectField.SUBJECT_DN, "not a dn"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientTls.subject(SubjectField.SAN_IP, "orders.example.com"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientCredential(TENANT, ClientId.generate(), "x", ScopeSet.EMPTY, ScopeSet.EMPTY,
                null, null, ClientCredential.DEFAULT_TOKEN_TTL, Set.of(ClientAuthMethod.TLS_CLIENT_AUTH), true, false,
                null, List.of(), null, ClientTls.NONE, NOW, NOW)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void caBundleWhenTextIsNoCertificateThenRefused() {
        assertThatThrownBy(() -> ClientCertificateAuthorities.of("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientCertificateAuthorities.of(CA_PEM + "\n-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ClientCertificateAuthorities.of("  ")).isEqualTo(ClientCertificateAuthorities.NONE);
    }

    @Test
    void confirmationWhenBoundToACertificateThenNimbusThumbprint() {
        assertThat(Confirmation.certificate(LEAF).x5tS256())
                .isEqualTo(X509CertUtils.computeSHA256Thumbprint(LEAF).toString());
    }
}
