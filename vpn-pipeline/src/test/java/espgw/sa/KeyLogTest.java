package espgw.sa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.KnownAnswerVectors;
import espgw.crypto.KnownAnswerVectors.Vector;
import espgw.esp.EspEncryptor;
import espgw.wire.EspHeader;
import espgw.testing.Privileges;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Wireshark key log: exact line format, file mode, and (when tshark exists) decryption. */
class KeyLogTest {
    private static final String KEY = "4c80cdefbb5d10da906ac73c3613a6342e443b68";

    @TempDir
    Path dir;

    @Test
    void oneLineInWiresharksEspSaFormat() throws Exception {
        ManualSa manual = ManualSa.of("0xc0de", "aes-gcm-128", KEY, false, 64);
        SecurityAssociation out = manual.toBuilder(Direction.OUTBOUND).addresses(ip("10.0.0.1"), ip("10.0.0.2"))
                .sequenceStore(new MemorySequenceStore()).build();
        SecurityAssociation in = manual.toBuilder(Direction.INBOUND).addresses(ip("10.0.0.1"), ip("10.0.0.2")).build();
        Path file = dir.resolve("esp_sa");
        try (KeyLog log = KeyLog.open(file)) {
            log.log(out, manual.keymat());
            log.log(in, manual.keymat());
        }
        assertEquals(List.of(
                "\"IPv4\",\"10.0.0.1\",\"10.0.0.2\",\"0x0000c0de\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x" + KEY
                        + "\",\"NULL\",\"\"",
                "\"IPv4\",\"10.0.0.2\",\"10.0.0.1\",\"0x0000c0de\",\"AES-GCM with 16 octet ICV [RFC4106]\",\"0x" + KEY
                        + "\",\"NULL\",\"\""),
                Files.readAllLines(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void anExistingFileIsNarrowedToOwnerOnlyAndAppendedTo() throws Exception {
        Path file = dir.resolve("esp_sa");
        Files.writeString(file, "# earlier\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ManualSa manual = ManualSa.of("0x1000", "chacha20-poly1305",
                "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3", false, 64);
        try (KeyLog log = KeyLog.open(file)) {
            log.log(manual.toBuilder(Direction.INBOUND).addresses(ip("192.0.2.1"), ip("192.0.2.2")).build(),
                    manual.keymat());
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals("# earlier", lines.get(0));
        assertTrue(lines.get(1).contains("\"ChaCha20 with Poly1305 [RFC7634]\""), lines.get(1));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    /**
     * Encrypts a real ICMP echo (the inner packet of RFC 7634 Appendix A) with espgw, writes a
     * pcap and the key log, and lets tshark 4.x decrypt it: the key log format is what Wireshark
     * reads, and espgw's AES-GCM packets are what Wireshark expects. 32-bit sequence numbers,
     * because tshark 4.0 has no ESN setting.
     */
    @Test
    void tsharkDecryptsWhatEspgwSentWithTheLoggedKey() throws Exception {
        Privileges.requireCommand("tshark");
        byte[] inner = KnownAnswerVectors.all().stream().filter(v -> v.id().equals("rfc7634-A")).findFirst()
                .map(Vector::payload).orElseThrow();
        for (AeadAlgorithm algorithm : new AeadAlgorithm[] {AeadAlgorithm.AES_GCM_128, AeadAlgorithm.AES_GCM_256}) {
            String keyHex = KEY.repeat(2).substring(0, algorithm.keymatLength() * 2);
            ManualSa manual = ManualSa.of("0x5eed", algorithm.configName(), keyHex, false, 64);
            SecurityAssociation sa = manual.toBuilder(Direction.OUTBOUND).addresses(ip("10.0.0.1"), ip("10.0.0.2"))
                    .sequenceStore(new MemorySequenceStore()).build();
            Path config = Files.createDirectories(dir.resolve(algorithm.configName()));
            try (KeyLog log = KeyLog.open(config.resolve("esp_sa"))) {
                log.log(sa, manual.keymat());
            }
            List<byte[]> packets = new ArrayList<>();
            EspEncryptor encryptor = new EspEncryptor();
            for (int i = 0; i < 3; i++) {
                ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(inner.length + 64);
                buf.setIndex(EspHeader.PAYLOAD_OFFSET, EspHeader.PAYLOAD_OFFSET).writeBytes(inner);
                assertEquals(null, encryptor.encrypt(sa, buf));
                packets.add(outerIpv4(ip("10.0.0.1"), ip("10.0.0.2"), ByteBufUtil.getBytes(buf)));
                buf.release();
            }
            Path pcap = dir.resolve(algorithm.configName() + ".pcap");
            Files.write(pcap, pcap(packets));
            String output = tshark(config, pcap);
            long decrypted = output.lines().filter(l -> l.startsWith("0x00005eed\t8\t")).count();
            assertEquals(3, decrypted, algorithm + ": tshark output was:\n" + output);
            assertFalse(output.contains("incorrect"), output);
        }
    }

    private static String tshark(Path config, Path pcap) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("tshark", "-n", "-r", pcap.toString(),
                "-o", "esp.enable_encryption_decode:TRUE", "-o", "esp.enable_authentication_check:TRUE",
                "-T", "fields", "-e", "esp.spi", "-e", "icmp.type", "-e", "icmp.seq", "-e", "esp.icv_good");
        // Wireshark reads its personal configuration, esp_sa included, from here.
        builder.environment().put("WIRESHARK_CONFIG_DIR", config.toString());
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return output;
    }


    /** RFC 791 header for protocol 50 (ESP), checksum computed. */
    private static byte[] outerIpv4(Inet4Address source, Inet4Address destination, byte[] esp) {
        byte[] packet = new byte[20 + esp.length];
        packet[0] = 0x45;
        packet[2] = (byte) (packet.length >>> 8);
        packet[3] = (byte) packet.length;
        packet[8] = 64;
        packet[9] = 50;
        System.arraycopy(source.getAddress(), 0, packet, 12, 4);
        System.arraycopy(destination.getAddress(), 0, packet, 16, 4);
        int sum = 0;
        for (int i = 0; i < 20; i += 2) {
            sum += (packet[i] & 0xFF) << 8 | (packet[i + 1] & 0xFF);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        sum = ~((sum & 0xFFFF) + (sum >>> 16));
        packet[10] = (byte) (sum >>> 8);
        packet[11] = (byte) sum;
        System.arraycopy(esp, 0, packet, 20, esp.length);
        return packet;
    }

    /** Classic pcap, LINKTYPE_RAW (101): each record is an IP packet. */
    private static byte[] pcap(List<byte[]> packets) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xa1b2c3d4);
        out.writeShort(2);
        out.writeShort(4);
        out.writeInt(0);
        out.writeInt(0);
        out.writeInt(65535);
        out.writeInt(101);
        int second = 1_700_000_000;
        for (byte[] packet : packets) {
            out.writeInt(second++);
            out.writeInt(0);
            out.writeInt(packet.length);
            out.writeInt(packet.length);
            out.write(packet);
        }
        return bytes.toByteArray();
    }

    private static Inet4Address ip(String text) throws IOException {
        return (Inet4Address) InetAddress.getByName(text);
    }
}
