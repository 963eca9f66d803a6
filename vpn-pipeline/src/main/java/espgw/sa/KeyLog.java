package espgw.sa;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.net.Inet4Address;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes SA keys for debugging in the format of Wireshark's {@code esp_sa} user access table
 * (the file {@code ~/.config/wireshark/esp_sa}), one line per SA:
 *
 * <pre>"IPv4","src","dst","0xSPI","encryption algorithm","0xkey","NULL",""</pre>
 *
 * <p>Fields as Wireshark's {@code packet-ipsec.c} declares them: protocol, source and destination
 * address, SPI, encryption algorithm and key (for AES-GCM the key material including the salt),
 * authentication algorithm (NULL: the AEAD carries its own ICV) and authentication key (empty).
 * Wireshark 4.0 decrypts AES-GCM without ESN only; ChaCha20-Poly1305 needs 4.2.
 *
 * <p>This is the only place key material is ever written out. The file is created readable and
 * writable by its owner only (0600), and an existing file is narrowed to 0600 before writing.
 */
public final class KeyLog implements Closeable {
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    private static final HexFormat HEX = HexFormat.of();

    private final Writer out;

    private KeyLog(Writer out) {
        this.out = out;
    }

    /** Opens (creating with mode 0600, or appending to) the key log file. */
    public static KeyLog open(Path file) throws IOException {
        if (Files.exists(file)) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        } else {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new KeyLog(Channels.newWriter(channel, StandardCharsets.US_ASCII));
    }

    /**
     * Appends the line for one SA and flushes it, so a capture can be decrypted while espgw runs.
     *
     * @param keymat the SA's key material (key and salt), e.g. {@link ManualSa#keymat()}
     */
    public synchronized void log(SecurityAssociation sa, byte[] keymat) throws IOException {
        out.write(line(sa, keymat));
        out.write('\n');
        out.flush();
    }

    static String line(SecurityAssociation sa, byte[] keymat) {
        if (sa.local() == null || sa.peer() == null) {
            throw new IllegalArgumentException("the key log needs both addresses of " + sa);
        }
        boolean outbound = sa.direction() == Direction.OUTBOUND;
        Inet4Address source = outbound ? sa.local() : sa.peer();
        Inet4Address destination = outbound ? sa.peer() : sa.local();
        return field("IPv4") + ',' + field(source.getHostAddress()) + ',' + field(destination.getHostAddress())
                + ',' + field(String.format("0x%08x", sa.spi())) + ',' + field(sa.algorithm().wiresharkName())
                + ',' + field("0x" + HEX.formatHex(keymat)) + ',' + field("NULL") + ',' + field("");
    }

    private static String field(String value) {
        return '"' + value + '"';
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
