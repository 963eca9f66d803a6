package espgw.lab;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a packet capture (classic pcap, Ethernet link type, as tcpdump writes it on a veth) shows
 * about the wire between two gateways: how many IPv4 packets between them were ESP and how many
 * were not, and whether a marker string — put by the lab into every payload — appears anywhere in
 * any frame. That is the proof that only ESP crosses the wire.
 *
 * @param frames            all frames in the capture
 * @param espBetween        IPv4 packets between the gateway addresses with protocol 50
 * @param clearBetween      IPv4 packets between the gateway addresses with any other protocol
 * @param protocols         IPv4 protocol number → count, for all IPv4 frames
 * @param markerHits        frames whose bytes contain the marker
 */
public record PcapSummary(long frames, long espBetween, long clearBetween, Map<Integer, Long> protocols,
                          long markerHits) {
    private static final int PCAP_MAGIC_MICROS = 0xa1b2c3d4;
    private static final int PCAP_MAGIC_NANOS = 0xa1b23c4d;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERNET_HEADER = 14;
    private static final int IPPROTO_ESP = 50;

    public static PcapSummary read(Path pcap, int gatewayA, int gatewayB, String marker) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(pcap));
        if (in.remaining() < 24) {
            throw new IOException(pcap + ": not a pcap file (too short)");
        }
        int magic = in.getInt(0);
        if (magic != PCAP_MAGIC_MICROS && magic != PCAP_MAGIC_NANOS) {
            in.order(ByteOrder.LITTLE_ENDIAN);
            magic = in.getInt(0);
            if (magic != PCAP_MAGIC_MICROS && magic != PCAP_MAGIC_NANOS) {
                throw new IOException(pcap + ": not a pcap file (magic " + Integer.toHexString(in.getInt(0)) + ")");
            }
        }
        if (in.getInt(20) != LINKTYPE_ETHERNET) {
            throw new IOException(pcap + ": link type " + in.getInt(20) + ", expected Ethernet");
        }
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        long frames = 0;
        long esp = 0;
        long clear = 0;
        long markers = 0;
        Map<Integer, Long> protocols = new TreeMap<>();
        int position = 24;
        while (position + 16 <= in.limit()) {
            int captured = in.getInt(position + 8);
            int start = position + 16;
            if (captured < 0 || start + captured > in.limit()) {
                break; // a record torn off by stopping the capture
            }
            frames++;
            if (contains(in.array(), start, captured, needle)) {
                markers++;
            }
            if (captured >= ETHERNET_HEADER + 20 && ((in.get(start + 12) & 0xff) << 8 | in.get(start + 13) & 0xff) == ETHERTYPE_IPV4) {
                int ip = start + ETHERNET_HEADER;
                int protocol = in.get(ip + 9) & 0xff;
                protocols.merge(protocol, 1L, Long::sum);
                int source = bigEndianInt(in, ip + 12);
                int destination = bigEndianInt(in, ip + 16);
                boolean between = source == gatewayA && destination == gatewayB
                        || source == gatewayB && destination == gatewayA;
                if (between && protocol == IPPROTO_ESP) {
                    esp++;
                } else if (between) {
                    clear++;
                }
            }
            position = start + captured;
        }
        return new PcapSummary(frames, esp, clear, protocols, markers);
    }

    /** Packet fields are in network byte order whatever the order of the pcap headers. */
    private static int bigEndianInt(ByteBuffer in, int index) {
        return (in.get(index) & 0xff) << 24 | (in.get(index + 1) & 0xff) << 16
                | (in.get(index + 2) & 0xff) << 8 | in.get(index + 3) & 0xff;
    }

    private static boolean contains(byte[] haystack, int from, int length, byte[] needle) {
        outer:
        for (int i = from; i <= from + length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** True when ESP was seen between the gateways and nothing else, and the marker never. */
    public boolean onlyEsp() {
        return espBetween > 0 && clearBetween == 0 && markerHits == 0;
    }

    @Override
    public String toString() {
        return frames + " frames; between the gateways " + espBetween + " ESP and " + clearBetween
                + " other IPv4; IPv4 protocols " + protocols + "; marker seen in " + markerHits + " frames";
    }
}
