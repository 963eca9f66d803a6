package espgw.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import espgw.config.GatewayConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The manifests read into fabric8's typed Kubernetes objects, failing on unknown fields, so a
 * misspelt or misplaced field fails here rather than at {@code kubectl apply}.
 */
class DeployKubernetesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

    @TempDir
    Path temp;

    private final DaemonSet daemonSet = read("kubernetes/daemonset.yaml", DaemonSet.class);
    private final PodSpec pod = daemonSet.getSpec().getTemplate().getSpec();
    private final Container gateway = pod.getContainers().get(0);

    @Test
    void runsInTheHostNetworkWithTwoCapabilitiesOnly() {
        assertEquals(true, pod.getHostNetwork());
        assertEquals(1, pod.getContainers().size());
        for (Container container : List.of(gateway, container("espgw-down"))) {
            assertEquals(List.of("NET_ADMIN", "NET_RAW"), container.getSecurityContext().getCapabilities().getAdd());
            assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
            assertEquals(false, container.getSecurityContext().getAllowPrivilegeEscalation());
            assertEquals(null, container.getSecurityContext().getPrivileged());
        }
        assertEquals(List.of("/opt/espgw/espgw", "up", "-c", "/etc/espgw/espgw.yaml"), gateway.getCommand());
        assertEquals(List.of("/opt/espgw/espgw", "down", "--instance", "espgw"), container("espgw-down").getCommand());
        assertEquals(1, daemonSet.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    }

    @Test
    void probesAskHealthOnTheLoopbackEndpoint() {
        for (Probe probe : List.of(gateway.getLivenessProbe(), gateway.getReadinessProbe())) {
            assertEquals("/health", probe.getHttpGet().getPath());
            assertEquals("127.0.0.1", probe.getHttpGet().getHost());
            assertEquals(9587, probe.getHttpGet().getPort().getIntVal());
        }
    }

    @Test
    void volumesForConfigKeysTunAndRunDirectory() {
        Map<String, Volume> volumes = pod.getVolumes().stream().collect(Collectors.toMap(Volume::getName, Function.identity()));
        assertEquals("espgw-config", volumes.get("config").getConfigMap().getName());
        assertEquals("espgw-keys", volumes.get("keys").getSecret().getSecretName());
        assertEquals("Memory", volumes.get("rendered-config").getEmptyDir().getMedium());
        assertEquals("/dev/net/tun", volumes.get("tun").getHostPath().getPath());
        assertEquals("CharDevice", volumes.get("tun").getHostPath().getType());
        assertEquals("/run/espgw", volumes.get("run").getHostPath().getPath());
        assertEquals("/var/lib/espgw", volumes.get("state").getHostPath().getPath());

        Map<String, String> mounts = mounts(gateway);
        assertEquals("/etc/espgw", mounts.get("rendered-config"));
        assertEquals("/dev/net/tun", mounts.get("tun"));
        assertEquals("/run/espgw", mounts.get("run"));
        assertEquals("/var/lib/espgw", mounts.get("state"));
        assertEquals("/run/espgw", mounts(container("espgw-down")).get("run"));
        assertTrue(gateway.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals("/tmp", mounts.get("tmp"), "the JVM needs a writable /tmp on a read-only root");
    }

    /** Runs the render-config init script on the example ConfigMap and Secret, then loads the result. */
    @Test
    void renderedConfigIsAValidGatewayConfigWithTheSecretsKeys() throws Exception {
        ConfigMap configMap = read("kubernetes/configmap.yaml", ConfigMap.class);
        Secret secret = read("kubernetes/secret.yaml", Secret.class);
        Path config = Files.createDirectories(temp.resolve("config"));
        Path keys = Files.createDirectories(temp.resolve("keys"));
        Path rendered = Files.createDirectories(temp.resolve("etc-espgw"));
        Files.writeString(config.resolve("espgw.yaml"), configMap.getData().get("espgw.yaml"));
        for (Map.Entry<String, String> item : secret.getStringData().entrySet()) {
            Files.writeString(keys.resolve(item.getKey()), item.getValue());
        }
        String script = container("render-config").getCommand().get(2)
                .replace("/etc/espgw", rendered.toString())
                .replace("/config/", config + "/")
                .replace("/keys/", keys + "/");

        Process sh = new ProcessBuilder("sh", "-ec", script).redirectErrorStream(true).start();
        String output = new String(sh.getInputStream().readAllBytes());
        assertEquals(0, sh.waitFor(), output);

        GatewayConfig gatewayConfig = GatewayConfig.load(rendered.resolve("espgw.yaml"));
        String text = Files.readString(rendered.resolve("espgw.yaml"));
        assertTrue(text.contains(secret.getStringData().get("server-outbound")), text);
        assertEquals("espgw", gatewayConfig.instance());
        assertEquals(9587, gatewayConfig.metricsPort());
    }

    @Test
    void renderConfigFailsOnAPlaceholderWithoutKey() throws Exception {
        Path config = Files.createDirectories(temp.resolve("config"));
        Path keys = Files.createDirectories(temp.resolve("keys"));
        Path rendered = Files.createDirectories(temp.resolve("etc-espgw"));
        Files.writeString(config.resolve("espgw.yaml"), "key: @missing@\n");
        String script = container("render-config").getCommand().get(2)
                .replace("/etc/espgw", rendered.toString())
                .replace("/config/", config + "/")
                .replace("/keys/", keys + "/");
        Process sh = new ProcessBuilder("sh", "-ec", script).redirectErrorStream(true).start();
        String output = new String(sh.getInputStream().readAllBytes());
        assertEquals(1, sh.waitFor(), output);
        assertTrue(output.contains("no item in Secret espgw-keys"), output);
        assertTrue(Files.notExists(rendered.resolve("espgw.yaml")));
    }

    private Container container(String name) {
        return pod.getInitContainers().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no init container " + name));
    }

    private static Map<String, String> mounts(Container container) {
        return container.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
    }

    private static <T> T read(String file, Class<T> type) {
        try {
            Object tree = new Yaml().load(Files.readString(DeployFiles.path(file)));
            return MAPPER.convertValue(tree, type);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
