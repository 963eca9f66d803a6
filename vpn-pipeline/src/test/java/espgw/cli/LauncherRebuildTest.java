package espgw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher ({@code ./espgw}) builds the jar only when something that goes into it is newer. Run
 * on a copy of the launcher in a temp tree, with a stub {@code mvn} that only records that it ran
 * (and, like Maven with nothing to do, leaves the jar untouched) and a stub JDK newer than any
 * installed, so nothing real is built or started.
 */
class LauncherRebuildTest {
    private static final Path LAUNCHER = Path.of(System.getProperty("user.dir")).resolve("../espgw").normalize();
    private static final FileTime JAR_TIME = FileTime.from(Instant.parse("2026-01-01T00:00:00Z"));
    private static final FileTime LATER = FileTime.from(Instant.parse("2026-01-02T00:00:00Z"));

    @TempDir
    Path temp;

    private Path repo;
    private Path jar;
    private Path mavenRuns;

    @BeforeEach
    void tree() throws IOException {
        repo = temp.resolve("repo");
        Files.createDirectories(repo);
        Files.copy(LAUNCHER, repo.resolve("espgw"));
        jar = repo.resolve("vpn-pipeline/target/vpn-pipeline.jar");
        for (String file : List.of("pom.xml", "vpn-pipeline/pom.xml", "vpn-native/pom.xml",
                "vpn-pipeline/src/main/java/espgw/Main.java", "vpn-pipeline/src/main/resources/logback.xml",
                "vpn-pipeline/src/test/java/espgw/MainTest.java", "vpn-native/src/main/java/espgw/Native.java",
                "vpn-pipeline/target/vpn-pipeline.jar")) {
            Path path = repo.resolve(file);
            Files.createDirectories(path.getParent());
            Files.writeString(path, "");
            Files.setLastModifiedTime(path, JAR_TIME);
        }
        Path bin = temp.resolve("bin");
        mavenRuns = temp.resolve("mvn-runs");
        executable(bin.resolve("mvn"), "#!/bin/sh\necho run >> '" + mavenRuns + "'\n");
        Path jdk = temp.resolve("jdk");
        executable(jdk.resolve("bin/java"), "#!/bin/sh\nexit 0\n");
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"999\"\n");
    }

    @Test
    void aNewerTestSourceDoesNotRebuild() throws Exception {
        Files.setLastModifiedTime(repo.resolve("vpn-pipeline/src/test/java/espgw/MainTest.java"), LATER);
        assertEquals(0, launchAndCountBuilds());
    }

    @Test
    void aNewerMainSourceResourceOrPomRebuildsOnce() throws Exception {
        for (String file : List.of("vpn-pipeline/src/main/java/espgw/Main.java",
                "vpn-pipeline/src/main/resources/logback.xml", "vpn-native/src/main/java/espgw/Native.java",
                "vpn-native/pom.xml", "pom.xml")) {
            Files.setLastModifiedTime(repo.resolve(file), LATER);
            assertEquals(1, launchAndCountBuilds(), file);
            assertEquals(0, launchAndCountBuilds(), "built again after " + file + " though Maven found nothing to do");
            Files.setLastModifiedTime(jar, JAR_TIME);
            Files.setLastModifiedTime(repo.resolve(file), JAR_TIME);
        }
    }

    @Test
    void aMissingJarBuilds() throws Exception {
        Files.delete(jar);
        assertEquals(1, launchAndCountBuilds());
    }

    private int launchAndCountBuilds() throws IOException, InterruptedException {
        Files.deleteIfExists(mavenRuns);
        ProcessBuilder launch = new ProcessBuilder(repo.resolve("espgw").toString(), "version").redirectErrorStream(true);
        launch.environment().put("PATH", temp.resolve("bin") + ":/usr/bin:/bin");
        launch.environment().put("JAVA_HOME", temp.resolve("jdk").toString());
        Process process = launch.start();
        String output = new String(process.getInputStream().readAllBytes());
        assertEquals(0, process.waitFor(), output);
        return Files.exists(mavenRuns) ? Files.readAllLines(mavenRuns).size() : 0;
    }

    private static void executable(Path path, String script) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, script);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
