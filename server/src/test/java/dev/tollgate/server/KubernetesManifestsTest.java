package dev.tollgate.server;

import dev.tollgate.server.config.ConfigKey;
import dev.tollgate.server.config.ConfigLoader;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * packaging/kubernetes/ against the code and the build: a manifest that names a port, a probe
 * path, a variable or an image the server doesn't have deploys fine and fails only in production
 * (a probe that 404s restarts every pod; a misspelt variable is silently ignored).
 */
class KubernetesManifestsTest {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path MANIFESTS = REPOSITORY.resolve("packaging/kubernetes");

    @Test
    void manifestsWhenListedInTheKustomizationThenEveryFileIsThereAndEveryKindNeededIsDefined() throws IOException {
        List<String> resources = strings(kustomization().get("resources"));

        assertThat(resources).allSatisfy(file -> assertThat(MANIFESTS.resolve(file)).isRegularFile());
        try (var files = Files.list(MANIFESTS)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".yaml"))
                    .filter(f -> !f.equals("kustomization.yaml"))).as("every manifest is applied by the kustomization")
                    .containsExactlyInAnyOrderElementsOf(resources);
        }
        assertThat(documents().stream().map(d -> d.get("kind")))
                .contains("Deployment", "Service", "PodDisruptionBudget", "Secret", "ConfigMap");
        assertThat(deployment().get("spec")).extracting(s -> map(s).get("replicas")).isEqualTo(3);
        assertThat(map(one("PodDisruptionBudget").get("spec")).get("minAvailable")).isEqualTo(2);
    }

    @Test
    void containerPortsWhenComparedWithTheConfigurationThenTheyAreItsDefaultsAndTheImagesPorts() throws IOException {
        Map<String, Integer> ports = new HashMap<>();
        for (Object port : list(container().get("ports"))) {
            ports.put((String) map(port).get("name"), (Integer) map(port).get("containerPort"));
        }
        Map<String, Object> settings = map(one("ConfigMap").get("data"));

        assertThat(ports).containsOnlyKeys("http", "management");
        assertThat(ports.get("http")).isEqualTo(Integer.parseInt(ConfigKey.PORT.defaultValue()))
                .isEqualTo(Integer.parseInt((String) settings.get(ConfigKey.PORT.envName())));
        assertThat(ports.get("management")).isEqualTo(Integer.parseInt(ConfigKey.MANAGEMENT_PORT.defaultValue()))
                .isEqualTo(Integer.parseInt((String) settings.get(ConfigKey.MANAGEMENT_PORT.envName())));
        assertThat(jibList("ports", "port")).containsExactlyInAnyOrder(
                String.valueOf(ports.get("http")), String.valueOf(ports.get("management")));
        // The Service exposes the API alone; the kubelet and Prometheus reach the management port by pod.
        List<Object> servicePorts = list(map(one("Service").get("spec")).get("ports"));
        assertThat(servicePorts).extracting(p -> map(p).get("targetPort")).containsExactly("http");
        Map<String, Object> annotations = map(map(map(map(deployment().get("spec")).get("template")).get("metadata"))
                .get("annotations"));
        assertThat(annotations.get("prometheus.io/port")).isEqualTo(String.valueOf(ports.get("management")));
    }

    @Test
    void probesWhenSentToARunningServerThenEachPathAnswers200OnTheManagementPortOnly() throws Exception {
        Map<String, String> probes = new LinkedHashMap<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            Map<String, Object> get = map(map(container().get(probe)).get("httpGet"));
            assertThat(get.get("port")).as(probe + " port").isEqualTo("management");
            probes.put(probe, (String) get.get("path"));
        }
        assertThat(probes.get("readinessProbe")).isEqualTo("/health/ready");
        assertThat(probes.get("livenessProbe")).isEqualTo("/health/live");
        String metricsPath = (String) map(map(map(map(deployment().get("spec")).get("template")).get("metadata"))
                .get("annotations")).get("prometheus.io/path");

        try (TestServer server = TestServer.embedded()) {
            for (String path : probes.values()) {
                assertThat(get(server, server.managementPort(), path)).as(path + " on the management port").isEqualTo(200);
                assertThat(get(server, server.port(), path)).as(path + " on the API port").isEqualTo(404);
            }
            assertThat(get(server, server.managementPort(), metricsPath)).as(metricsPath).isEqualTo(200);
        }
    }

    @Test
    void environmentWhenReadFromTheConfigMapAndSecretThenEveryNameIsAConfigKeyAndTheServerAcceptsThem() throws IOException {
        Map<String, String> configMap = stringMap(one("ConfigMap").get("data"));
        Map<String, String> secret = stringMap(one("Secret").get("stringData"));
        Set<String> known = java.util.Arrays.stream(ConfigKey.values()).map(ConfigKey::envName).collect(Collectors.toSet());
        Set<String> secretNames = java.util.Arrays.stream(ConfigKey.values()).filter(ConfigKey::isSecret)
                .map(ConfigKey::envName).collect(Collectors.toSet());

        assertThat(configMap.keySet()).allMatch(known::contains, "a TOLLGATE_* name of a ConfigKey");
        assertThat(secret.keySet()).allMatch(known::contains, "a TOLLGATE_* name of a ConfigKey");
        for (Object env : list(container().getOrDefault("env", List.of()))) {
            assertThat(known).as("container env").contains((String) map(env).get("name"));
        }
        assertThat(configMap.keySet()).as("secrets belong in the Secret").doesNotContainAnyElementsOf(secretNames);
        assertThat(secret).containsKeys(ConfigKey.JDBC_PASSWORD.envName(), ConfigKey.KEK_BASE64.envName());
        assertThat(list(container().get("envFrom"))).extracting(e -> map(e).keySet().iterator().next())
                .containsExactlyInAnyOrder("configMapRef", "secretRef");

        // What a pod's environment is once the Secret's placeholder KEK is replaced, as its comment says.
        Map<String, String> env = new HashMap<>(configMap);
        env.putAll(secret);
        env.put(ConfigKey.KEK_BASE64.envName(), Base64.getEncoder().encodeToString(new byte[32]));
        ConfigLoader.Loaded loaded = ConfigLoader.load(null, env, Map.of());
        assertThat(loaded.server().port()).isEqualTo(8080);
        assertThat(loaded.server().managementPort()).isEqualTo(9090);
        assertThat(loaded.server().host()).isEqualTo("0.0.0.0");
    }

    @Test
    void deploymentWhenComparedWithTheBuildThenImageUserAndMemoryMatchIt() throws IOException {
        String pom = Files.readString(REPOSITORY.resolve("server/pom.xml"));
        String version = projectVersion();
        Matcher target = Pattern.compile("<to>\\s*<image>([^<]+)</image>").matcher(pom);
        assertThat(target.find()).as("Jib's <to><image> in server/pom.xml").isTrue();
        String jibImage = target.group(1).replace("${project.version}", version);

        assertThat(container().get("image")).isEqualTo(jibImage);
        Map<String, Object> images = map(list(kustomization().get("images")).getFirst());
        assertThat(images.get("name") + ":" + images.get("newTag")).isEqualTo(jibImage);

        Matcher user = Pattern.compile("<user>(\\d+):(\\d+)</user>").matcher(pom);
        assertThat(user.find()).isTrue();
        Map<String, Object> podSecurity = map(map(map(deployment().get("spec")).get("template")).get("spec"));
        Map<String, Object> pod = map(podSecurity.get("securityContext"));
        assertThat(pod.get("runAsUser")).isEqualTo(Integer.parseInt(user.group(1)));
        assertThat(pod.get("runAsGroup")).isEqualTo(Integer.parseInt(user.group(2)));
        assertThat(pod.get("runAsNonRoot")).isEqualTo(true);
        Map<String, Object> container = map(container().get("securityContext"));
        assertThat(container.get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(container.get("allowPrivilegeEscalation")).isEqualTo(false);
        // A read-only root needs writable /tmp (the crypto provider's native library) and the working directory.
        assertThat(list(container().get("volumeMounts"))).extracting(m -> map(m).get("mountPath"))
                .contains("/tmp", jibValue("workingDirectory"));

        long heapMiB = Files.readAllLines(REPOSITORY.resolve("packaging/jvm.options")).stream()
                .map(String::strip).filter(l -> l.startsWith("-Xmx")).map(l -> l.substring(4))
                .mapToLong(KubernetesManifestsTest::mebibytes).findFirst().orElseThrow();
        Map<String, Object> resources = map(container().get("resources"));
        long limit = mebibytes((String) map(resources.get("limits")).get("memory"));
        long request = mebibytes((String) map(resources.get("requests")).get("memory"));
        // The heap is half the footprint or less: metaspace, code cache, stacks, native crypto.
        assertThat(request).as("memory request against -Xmx%dm", heapMiB).isGreaterThanOrEqualTo(2 * heapMiB);
        assertThat(limit).isGreaterThan(request);
    }

    private static int get(TestServer server, int port, String path) {
        HttpResponse<String> response = server.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .GET().build());
        return response.statusCode();
    }

    private static long mebibytes(String quantity) {
        Matcher m = Pattern.compile("(\\d+)(m|Mi|g|Gi)").matcher(quantity.strip());
        assertThat(m.matches()).as("a memory quantity: " + quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return m.group(2).toLowerCase().startsWith("g") ? n * 1024 : n;
    }

    private static String projectVersion() throws IOException {
        Matcher m = Pattern.compile("<artifactId>tollgate-parent</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(Files.readString(REPOSITORY.resolve("pom.xml")));
        assertThat(m.find()).as("the parent pom's version").isTrue();
        return m.group(1);
    }

    private static List<String> jibList(String outer, String inner) throws IOException {
        Matcher m = Pattern.compile("<" + outer + ">(.*?)</" + outer + ">", Pattern.DOTALL)
                .matcher(Files.readString(REPOSITORY.resolve("server/pom.xml")));
        assertThat(m.find()).as("<" + outer + "> in server/pom.xml").isTrue();
        return Pattern.compile("<" + inner + ">([^<]+)</" + inner + ">").matcher(m.group(1)).results()
                .map(r -> r.group(1)).toList();
    }

    private static String jibValue(String element) throws IOException {
        Matcher m = Pattern.compile("<" + element + ">([^<]+)</" + element + ">")
                .matcher(Files.readString(REPOSITORY.resolve("server/pom.xml")));
        assertThat(m.find()).as("<" + element + "> in server/pom.xml").isTrue();
        return m.group(1);
    }

    private static Map<String, Object> kustomization() throws IOException {
        return map(yaml().load(Files.readString(MANIFESTS.resolve("kustomization.yaml"))));
    }

    private static List<Map<String, Object>> documents() throws IOException {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (String file : strings(kustomization().get("resources"))) {
            for (Object document : yaml().loadAll(Files.readString(MANIFESTS.resolve(file)))) {
                if (document != null) {
                    documents.add(map(document));
                }
            }
        }
        return documents;
    }

    private static Map<String, Object> one(String kind) throws IOException {
        List<Map<String, Object>> found = documents().stream().filter(d -> kind.equals(d.get("kind"))).toList();
        assertThat(found).as("one " + kind).hasSize(1);
        return found.getFirst();
    }

    private static Map<String, Object> deployment() throws IOException {
        return one("Deployment");
    }

    private static Map<String, Object> container() throws IOException {
        List<Object> containers = list(map(map(map(deployment().get("spec")).get("template")).get("spec")).get("containers"));
        assertThat(containers).hasSize(1);
        return map(containers.getFirst());
    }

    /** SnakeYAML's safe loader: plain maps, lists and scalars, no arbitrary types. */
    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    private static List<String> strings(Object value) {
        return list(value).stream().map(String.class::cast).toList();
    }

    private static Map<String, String> stringMap(Object value) {
        Map<String, String> result = new LinkedHashMap<>();
        map(value).forEach((k, v) -> {
            assertThat(v).as(k + " is a string (quote it)").isInstanceOf(String.class);
            result.put(k, (String) v);
        });
        return result;
    }
}
