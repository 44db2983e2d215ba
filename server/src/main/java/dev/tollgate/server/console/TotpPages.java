package dev.tollgate.server.console;

import dev.tollgate.core.admin.AdminAccounts;
import dev.tollgate.core.admin.Totp;
import io.helidon.http.Status;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * Account → Second factor: the signed-in admin's own TOTP. Enrolling shows a new secret (as a QR
 * code of the {@code otpauth://} URI an app scans, drawn here as inline SVG, and as text for typing
 * or importing) and asks for a code from the app to prove it holds the same secret; turning it off
 * asks for the password.
 *
 * <p>The secret is not stored until the code is right: it travels to the confirming POST in a
 * hidden field, beside the CSRF token, on a page that is never cached.
 */
final class TotpPages {

    static final String PATH = "/console/account/totp";

    /** What {@link AdminAccounts#beginTotpEnrollment} makes: only such a value is shown again after a wrong code. */
    private static final Pattern GENERATED_SECRET = Pattern.compile("[A-Z2-7]{32}");

    private final AdminAccounts accounts;
    private final Views views;

    TotpPages(AdminAccounts accounts, Views views) {
        this.accounts = accounts;
        this.views = views;
    }

    void show(Visit visit) {
        render(visit, Status.OK_200, accounts.beginTotpEnrollment(), null);
    }

    void enroll(Visit visit) {
        String secret = visit.form.value("secret");
        char[] password = visit.form.value("current").toCharArray();
        try {
            accounts.enrollTotp(visit.who, password, secret, visit.form.value("code").strip());
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            // The same secret again, so an app already set up with it needs no second setup.
            String shown = GENERATED_SECRET.matcher(secret).matches() ? secret : accounts.beginTotpEnrollment();
            render(visit, failure.answer(visit.response), shown, failure.message());
            return;
        } finally {
            Arrays.fill(password, '\0');
        }
        Views.redirect(visit.response, PATH + "?done=totp-enrolled");
    }

    void disable(Visit visit) {
        char[] password = visit.form.value("current").toCharArray();
        try {
            accounts.disableTotp(visit.who, password);
        } catch (RuntimeException e) {
            Failure failure = Failure.of(e);
            render(visit, failure.answer(visit.response), accounts.beginTotpEnrollment(), failure.message());
            return;
        } finally {
            Arrays.fill(password, '\0');
        }
        Views.redirect(visit.response, PATH + "?done=totp-disabled");
    }

    /** @param secret offered for enrolment; not shown when the admin is enrolled */
    private void render(Visit visit, Status status, String secret, String error) {
        boolean enrolled = visit.who.admin().totpSecret() != null;
        String username = visit.who.admin().username();
        String uri = enrolled ? null : Totp.provisioningUri("Tollgate " + visit.tenant().value(), username, secret);
        views.send(visit.response, status, "totp",
                visit.frame("Second factor", Frame.Section.SECOND_FACTOR).withError(error),
                "enrolled", enrolled,
                "secret", enrolled ? null : secret,
                "groupedSecret", enrolled ? null : grouped(secret),
                "uri", uri,
                "qr", enrolled ? null : QrSvg.of(uri));
    }

    /** {@code ABCD EFGH …}: easier to read aloud and retype, and authenticator apps ignore the spaces. */
    static String grouped(String secret) {
        StringBuilder out = new StringBuilder(secret.length() + secret.length() / 4);
        for (int i = 0; i < secret.length(); i += 4) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(secret, i, Math.min(i + 4, secret.length()));
        }
        return out.toString();
    }
}
