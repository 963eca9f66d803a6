package espgw.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcapSummaryTest {
    private static final int A = 0x0a0000a1;
    private static final int B = 0x0a0000a0;
    private static final int OTHER = 0x0a0000fe;
    private static final String MARKER = "ESPGW-MARKER";

    @TempDir
    Path dir;

    @Test
    void countsEspAndClearTextBetweenTheGatewaysAndFindsTheMarker() throws IOException {
        Path pcap = write(ByteOrder.LITTLE_ENDIAN,
                frame(A, B, 50, "opaque"), frame(B, A, 50, "opaque"),
                frame(A, B, 17, "hello " + MARKER), frame(A, OTHER, 6, "x"),
                arp());
        PcapSummary s = PcapSummary.read(pcap, A, B, MARKER);
        assertEquals(5, s.frames());
        assertEquals(2, s.espBetween());
        assertEquals(1, s.clearBetween());
        assertEquals(1, s.markerHits());
        assertEquals(2L, s.protocols().get(50));
        assertFalse(s.onlyEsp());
    }

    @Test
    void onlyEspWhenNothingElseCrossedAndBigEndianFilesReadToo() throws IOException {
        Path pcap = write(ByteOrder.BIG_ENDIAN, frame(A, B, 50, "opaque"), frame(A, OTHER, 17, "y"), arp());
        PcapSummary s = PcapSummary.read(pcap, A, B, MARKER);
        assertTrue(s.onlyEsp(), s.toString());
    }

    @Test
    void espInUdpOnPort4500CountsAsEspButIkeBehindTheNonEspMarkerDoesNot() throws IOException {
        Path pcap = write(ByteOrder.LITTLE_ENDIAN,
                udp(A, B, 4500, 4500, new byte[] {0, 0, 0x10, 0x01, 0, 0, 0, 1}),
                udp(B, A, 4500, 4500, new byte[] {(byte) 0xFF}),
                udp(A, B, 4500, 14500, new byte[] {0, 0, 0x20, 0x01, 0, 0, 0, 1}));
        PcapSummary s = PcapSummary.read(pcap, A, B, MARKER);
        assertEquals(3, s.espInUdpBetween(), s.toString());
        assertTrue(s.onlyEspInUdp(), s.toString());
        assertTrue(s.onlyEsp(), s.toString());

        PcapSummary ike = PcapSummary.read(write(ByteOrder.LITTLE_ENDIAN,
                udp(A, B, 4500, 4500, new byte[] {0, 0, 0, 0, 1, 2, 3, 4}),
                udp(A, B, 4501, 4502, new byte[] {0, 0, 0x10, 0x01, 0, 0, 0, 1})), A, B, MARKER);
        assertEquals(0, ike.espInUdpBetween(), ike.toString());
        assertEquals(2, ike.clearBetween(), "IKE, and UDP on other ports, are not ESP: " + ike);

        PcapSummary both = PcapSummary.read(write(ByteOrder.LITTLE_ENDIAN, frame(A, B, 50, "opaque"),
                udp(A, B, 4500, 4500, new byte[] {0, 0, 0x10, 0x01})), A, B, MARKER);
        assertTrue(both.onlyEsp());
        assertFalse(both.onlyEspInUdp(), "bare ESP crossed too");
    }

    @Test
    void ikeOnPort500OrBehindTheMarkerIsCountedApartAndAllowedOnlyByOnlyEspAndIke() throws IOException {
        PcapSummary s = PcapSummary.read(write(ByteOrder.LITTLE_ENDIAN, frame(A, B, 50, "opaque"),
                udp(A, B, 500, 500, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}),
                udp(B, A, 4500, 4500, new byte[] {0, 0, 0, 0, 1, 2, 3, 4})), A, B, MARKER);
        assertEquals(2, s.clearBetween(), s.toString());
        assertEquals(2, s.ikeBetween(), s.toString());
        assertFalse(s.onlyEsp(), "IKE is not ESP: " + s);
        assertTrue(s.onlyEspAndIke(), s.toString());

        PcapSummary other = PcapSummary.read(write(ByteOrder.LITTLE_ENDIAN, frame(A, B, 50, "opaque"),
                udp(A, B, 500, 500, new byte[] {1, 2, 3, 4}), udp(A, B, 5000, 5001, new byte[] {1})), A, B, MARKER);
        assertEquals(1, other.ikeBetween(), other.toString());
        assertFalse(other.onlyEspAndIke(), "UDP on another port is clear text: " + other);
        assertFalse(PcapSummary.read(write(ByteOrder.LITTLE_ENDIAN, udp(A, B, 500, 500, new byte[] {1, 2, 3, 4})),
                A, B, MARKER).onlyEspAndIke(), "IKE alone carried no traffic");
    }

    @Test
    void noEspAtAllIsNotOnlyEsp() throws IOException {
        assertFalse(PcapSummary.read(write(ByteOrder.LITTLE_ENDIAN, arp()), A, B, MARKER).onlyEsp());
    }

    @Test
    void rejectsAFileThatIsNoPcap() throws IOException {
        Path junk = dir.resolve("junk");
        Files.write(junk, new byte[64]);
        assertThrows(IOException.class, () -> PcapSummary.read(junk, A, B, MARKER));
    }

    private Path write(ByteOrder order, byte[]... frames) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer header = ByteBuffer.allocate(24).order(order);
        header.putInt(0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(1);
        out.write(header.array());
        for (byte[] frame : frames) {
            ByteBuffer record = ByteBuffer.allocate(16).order(order);
            record.putInt(1).putInt(0).putInt(frame.length).putInt(frame.length);
            out.write(record.array());
            out.write(frame);
        }
        Path file = dir.resolve("capture.pcap");
        Files.write(file, out.toByteArray());
        return file;
    }

    private static byte[] frame(int source, int destination, int protocol, String payload) {
        byte[] data = payload.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer f = ByteBuffer.allocate(14 + 20 + data.length);
        f.put(new byte[12]).putShort((short) 0x0800);
        f.put((byte) 0x45).put((byte) 0).putShort((short) (20 + data.length)).putInt(0)
                .put((byte) 64).put((byte) protocol).putShort((short) 0).putInt(source).putInt(destination);
        f.put(data);
        return f.array();
    }

    private static byte[] udp(int source, int destination, int sourcePort, int destinationPort, byte[] payload) {
        ByteBuffer datagram = ByteBuffer.allocate(8 + payload.length);
        datagram.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload);
        return frame(source, destination, 17, new String(datagram.array(), StandardCharsets.ISO_8859_1));
    }

    private static byte[] arp() {
        ByteBuffer f = ByteBuffer.allocate(42);
        f.put(new byte[12]).putShort((short) 0x0806);
        return f.array();
    }
}
