package dev.tollgate.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the one test-name convention of the repository: {@code subjectWhenConditionThenOutcome}
 * (README, "Contributing"). Reads every {@code src/test/java} tree of the repository, finds each
 * method annotated {@code @Test}, {@code @ParameterizedTest}, {@code @RepeatedTest} or
 * {@code @TestFactory}, and names every one whose name lacks {@code When} followed later by
 * {@code Then}.
 */
class TestNamesTest {

    private static final Pattern TEST_ANNOTATION = Pattern.compile(
            "@(?:org\\.junit\\.jupiter\\.(?:api|params)\\.)?(Test|ParameterizedTest|RepeatedTest|TestFactory)\\b");
    private static final Pattern CONVENTION = Pattern.compile("When.+Then");

    @Test
    void testMethodsWhenScannedThenEveryNameHasWhenFollowedByThen() throws IOException {
        Path root = repositoryRoot();
        List<Path> sources = testSources(root);
        List<String> offenders = new ArrayList<>();
        int methods = 0;
        for (Path source : sources) {
            String code = blankCommentsAndLiterals(Files.readString(source, StandardCharsets.UTF_8));
            Matcher annotation = TEST_ANNOTATION.matcher(code);
            while (annotation.find()) {
                int start = annotation.end();
                String name = methodNameAfter(code, start);
                if (name == null) {
                    continue;
                }
                methods++;
                if (!CONVENTION.matcher(name).find()) {
                    offenders.add(root.relativize(source) + ":" + lineOf(code, start) + " " + name);
                }
            }
        }

        assertThat(methods).as("test methods found under %s", root).isGreaterThan(500);
        assertThat(offenders)
                .as("test names must read subjectWhenConditionThenOutcome (README, Contributing); rename these")
                .isEmpty();
    }

    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("mvnw"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no directory holding mvnw above " + Path.of("").toAbsolutePath());
    }

    private static List<Path> testSources(Path root) throws IOException {
        List<Path> sources = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                boolean skip = !dir.equals(root)
                        && (name.startsWith(".") || name.equals("target") || name.equals("node_modules")
                        || dir.endsWith(Path.of("src", "main")));
                return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String path = root.relativize(file).toString().replace('\\', '/');
                if (path.endsWith(".java") && path.contains("src/test/java/")) {
                    sources.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        sources.sort(null);
        return sources;
    }

    /** The name of the method declared after an annotation ending at {@code from}, skipping further annotations. */
    private static String methodNameAfter(String code, int from) {
        int i = skipArguments(code, skipSpace(code, from));
        while (true) {
            i = skipSpace(code, i);
            if (i >= code.length()) {
                return null;
            }
            if (code.charAt(i) != '@') {
                break;
            }
            i++;
            while (i < code.length() && (Character.isJavaIdentifierPart(code.charAt(i)) || code.charAt(i) == '.')) {
                i++;
            }
            i = skipArguments(code, skipSpace(code, i));
        }
        int paren = code.indexOf('(', i);
        if (paren < 0) {
            return null;
        }
        String head = code.substring(i, paren);
        if (head.contains(";") || head.contains("{") || head.contains("=")) {
            return null; // not a method: a field or a class after a misplaced annotation
        }
        Matcher name = Pattern.compile("(\\w+)\\s*$").matcher(head);
        return name.find() ? name.group(1) : null;
    }

    private static int skipSpace(String code, int i) {
        while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int skipArguments(String code, int i) {
        if (i >= code.length() || code.charAt(i) != '(') {
            return i;
        }
        int depth = 0;
        for (; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i + 1;
            }
        }
        return i;
    }

    private static int lineOf(String code, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (code.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /**
     * The source with comments and the insides of string, text-block and character literals
     * replaced by spaces (newlines kept), so that neither can look like an annotation or a paren.
     */
    static String blankCommentsAndLiterals(String code) {
        StringBuilder out = new StringBuilder(code);
        int i = 0;
        int n = code.length();
        while (i < n) {
            char c = code.charAt(i);
            if (code.startsWith("//", i)) {
                int end = code.indexOf('\n', i);
                end = end < 0 ? n : end;
                blank(out, i, end);
                i = end;
            } else if (code.startsWith("/*", i)) {
                int end = code.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                blank(out, i, end);
                i = end;
            } else if (code.startsWith("\"\"\"", i)) {
                int end = code.indexOf("\"\"\"", i + 3);
                while (end > 0 && code.charAt(end - 1) == '\\') {
                    end = code.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? n : end;
                blank(out, i + 3, end);
                i = Math.min(n, end + 3);
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && code.charAt(j) != c && code.charAt(j) != '\n') {
                    j += code.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(j, n);
                blank(out, i + 1, j);
                i = j + 1;
            } else {
                i++;
            }
        }
        return out.toString();
    }

    private static void blank(StringBuilder out, int from, int to) {
        for (int k = from; k < to; k++) {
            if (out.charAt(k) != '\n') {
                out.setCharAt(k, ' ');
            }
        }
    }
}
