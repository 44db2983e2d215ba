package dev.tollgate.core.user;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a user's fields all at once, so that an API can name every bad field in one answer
 * instead of making the caller fix them one round trip at a time.
 *
 * <pre>{@code
 * UserValidation check = UserValidation.of(username, email, firstName, lastName);
 * if (!check.isValid()) {
 *     answer400(check.errors());   // {"username": "required", "email": "must be an email address"}
 * }
 * }</pre>
 */
public final class UserValidation {

    public static final String USERNAME = "username";
    public static final String EMAIL = "email";
    public static final String FIRST_NAME = "first_name";
    public static final String LAST_NAME = "last_name";

    public static final int MAX_USERNAME = 64;
    /** RFC 5321 §4.5.3.1.3: a path is at most 256 octets including the angle brackets. */
    public static final int MAX_EMAIL = 254;
    public static final int MAX_NAME = 100;

    private static final Pattern USERNAME_SHAPE = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_USERNAME + "}");

    private final Map<String, String> errors;

    private UserValidation(Map<String, String> errors) {
        this.errors = Collections.unmodifiableMap(errors);
    }

    /** Names may be null (not given); username and email are required. */
    public static UserValidation of(String username, String email, String firstName, String lastName) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (username == null || username.isEmpty()) {
            errors.put(USERNAME, "required");
        } else if (!USERNAME_SHAPE.matcher(username).matches()) {
            errors.put(USERNAME, "must be 1-" + MAX_USERNAME + " characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        }
        if (email == null || email.isEmpty()) {
            errors.put(EMAIL, "required");
        } else if (!isEmail(email)) {
            errors.put(EMAIL, "must be an email address (one '@', no spaces, at most " + MAX_EMAIL + " characters)");
        }
        checkName(errors, FIRST_NAME, firstName);
        checkName(errors, LAST_NAME, lastName);
        return new UserValidation(errors);
    }

    /**
     * Deliberately simple (one '@' with text either side, no whitespace or control characters):
     * the full RFC 5322 grammar accepts addresses no mail system delivers to, and only sending a
     * message proves an address anyway.
     */
    static boolean isEmail(String email) {
        if (email.length() > MAX_EMAIL) {
            return false;
        }
        int at = email.indexOf('@');
        if (at <= 0 || at != email.lastIndexOf('@') || at == email.length() - 1) {
            return false;
        }
        return email.chars().noneMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c));
    }

    private static void checkName(Map<String, String> errors, String field, String value) {
        if (value == null) {
            return;
        }
        if (value.length() > MAX_NAME) {
            errors.put(field, "must be at most " + MAX_NAME + " characters");
        } else if (value.chars().anyMatch(Character::isISOControl)) {
            errors.put(field, "must not contain control characters");
        }
    }

    public boolean isValid() {
        return errors.isEmpty();
    }

    /** Field name (as the API spells it) to what is wrong with it, in field order. */
    public Map<String, String> errors() {
        return errors;
    }
}
