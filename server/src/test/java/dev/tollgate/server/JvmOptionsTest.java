package dev.tollgate.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * packaging/jvm.options is the one list of default JVM options; the launcher reads it, and the
 * image entrypoint and the systemd environment, which can't, must spell out the same list.
 */
class JvmOptionsTest {

    private final Path repository = Path.of("..").toAbsolutePath().normalize();

    @Test
    void jvmOptionsWhenComparedWithTheImageAndTheSystemdUnitThenAllThreeAreTheSame() throws IOException {
        List<String> options = Files.readAllLines(repository.resolve("packaging/jvm.options")).stream()
                .map(line -> line.replaceAll("#.*", "").strip()).filter(line -> !line.isEmpty()).toList();

        assertThat(options).contains("-XX:+UseSerialGC").anyMatch(o -> o.startsWith("-Xmx"));
        assertThat(imageEntrypoint()).isEqualTo(options);
        assertThat(systemdJavaOpts()).isEqualTo(options);
    }

    /** The Jib entrypoint's arguments between the java binary and -jar. */
    private List<String> imageEntrypoint() throws IOException {
        String pom = Files.readString(repository.resolve("server/pom.xml"));
        Matcher entrypoint = Pattern.compile("<entrypoint>(.*?)</entrypoint>", Pattern.DOTALL).matcher(pom);
        assertThat(entrypoint.find()).as("a Jib entrypoint in server/pom.xml").isTrue();
        List<String> args = Pattern.compile("<arg>(.*?)</arg>").matcher(entrypoint.group(1)).results()
                .map(m -> m.group(1)).toList();
        return args.subList(args.indexOf("/opt/java/bin/java") + 1, args.indexOf("-jar"));
    }

    private List<String> systemdJavaOpts() throws IOException {
        String env = Files.readString(repository.resolve("packaging/systemd/tollgate.env"));
        Matcher line = Pattern.compile("(?m)^JAVA_OPTS=\"(.*)\"$").matcher(env);
        assertThat(line.find()).as("JAVA_OPTS in tollgate.env").isTrue();
        return Arrays.asList(line.group(1).split("\\s+"));
    }
}
