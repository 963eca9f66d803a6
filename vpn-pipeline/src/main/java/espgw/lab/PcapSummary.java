package espgw.lab;

import espgw.wire.UdpEncapsulation;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a packet capture ({@link PcapFile}) shows
 * about the wire between two gateways: how many IPv4 packets between them were ESP and how many
 * were not, and whether a marker string — put by the lab into every payload — appears anywhere in
 * any frame. That is the proof that only ESP crosses the wire.
 *
 * @param frames            all frames in the capture
 * @param espBetween        IPv4 packets between the gateway addresses with protocol 50
 * @param espInUdpBetween   UDP datagrams between them to or from port 4500 that carry ESP or a
 *                          NAT-keepalive (RFC 3948 §2.1, §2.3)
 * @param clearBetween      IPv4 packets between the gateway addresses that are neither
 * @param ikeBetween        of those, the IKE messages (UDP port 500, or behind the Non-ESP Marker on
 *                          port 4500): keys are negotiated in them, no payload ever crosses in them
 * @param protocols         IPv4 protocol number → count, for all IPv4 frames
 * @param markerHits        frames whose bytes contain the marker
 */
public record PcapSummary(long frames, long espBetween, long espInUdpBetween, long clearBetween, long ikeBetween,
                          Map<Integer, Long> protocols, long markerHits) {
    private static final int IPPROTO_ESP = 50;
    private static final int IPPROTO_UDP = 17;
    /** RFC 7296 §2: IKE messages are sent on UDP port 500 (and 4500 after NAT detection, §2.23). */
    private static final int IKE_PORT = 500;

    public static PcapSummary read(Path pcap, int gatewayA, int gatewayB, String marker) throws IOException {
        byte[] needle = marker.getBytes(StandardCharsets.US_ASCII);
        long frames = 0;
        long esp = 0;
        long espInUdp = 0;
        long clear = 0;
        long ike = 0;
        long markers = 0;
        Map<Integer, Long> protocols = new TreeMap<>();
        for (byte[] frame : PcapFile.frames(pcap)) {
            frames++;
            if (contains(frame, needle)) {
                markers++;
            }
            if (PcapFile.isIpv4(frame)) {
                int ip = PcapFile.ETHERNET_HEADER;
                int protocol = frame[ip + 9] & 0xff;
                protocols.merge(protocol, 1L, Long::sum);
                int source = bigEndianInt(frame, ip + 12);
                int destination = bigEndianInt(frame, ip + 16);
                boolean between = source == gatewayA && destination == gatewayB
                        || source == gatewayB && destination == gatewayA;
                if (between && protocol == IPPROTO_ESP) {
                    esp++;
                } else if (between) {
                    Carries carries = protocol == IPPROTO_UDP ? carries(frame, ip) : Carries.OTHER;
                    if (carries == Carries.ESP) {
                        espInUdp++;
                    } else {
                        clear++;
                        ike += carries == Carries.IKE ? 1 : 0;
                    }
                }
            }
        }
        return new PcapSummary(frames, esp, espInUdp, clear, ike, protocols, markers);
    }

    /** What a UDP datagram between the gateways carries, as far as telling ESP and IKE from the rest goes. */
    private enum Carries { ESP, IKE, OTHER }

    /**
     * ESP: to or from the NAT-traversal port, ESP or a keepalive. IKE: to or from port 500, or behind
     * the Non-ESP Marker on the NAT-traversal port.
     */
    private static Carries carries(byte[] frame, int ip) {
        int udp = ip + (frame[ip] & 0x0f) * 4;
        if (frame.length < udp + 8) {
            return Carries.OTHER;
        }
        int sourcePort = (frame[udp] & 0xff) << 8 | frame[udp + 1] & 0xff;
        int destinationPort = (frame[udp + 2] & 0xff) << 8 | frame[udp + 3] & 0xff;
        if (sourcePort == IKE_PORT || destinationPort == IKE_PORT) {
            return Carries.IKE;
        }
        if (sourcePort != UdpEncapsulation.NAT_T_PORT && destinationPort != UdpEncapsulation.NAT_T_PORT) {
            return Carries.OTHER;
        }
        int payload = udp + 8;
        int length = Math.min(((frame[udp + 4] & 0xff) << 8 | frame[udp + 5] & 0xff) - 8, frame.length - payload);
        if (length <= 0) {
            return Carries.OTHER;
        }
        return UdpEncapsulation.kind(Unpooled.wrappedBuffer(frame), payload, length) == UdpEncapsulation.Kind.IKE
                ? Carries.IKE : Carries.ESP;
    }

    /** Packet fields are in network byte order whatever the order of the pcap headers. */
    private static int bigEndianInt(byte[] bytes, int index) {
        return (bytes[index] & 0xff) << 24 | (bytes[index + 1] & 0xff) << 16
                | (bytes[index + 2] & 0xff) << 8 | bytes[index + 3] & 0xff;
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** True when ESP (bare or in UDP) was seen between the gateways and nothing else, and the marker never. */
    public boolean onlyEsp() {
        return espBetween + espInUdpBetween > 0 && clearBetween == 0 && markerHits == 0;
    }

    /**
     * Like {@link #onlyEsp()}, but IKE may cross too: for gateways keyed by IKEv2, whose liveness
     * checks and rekeys may fall into any capture.
     */
    public boolean onlyEspAndIke() {
        return espBetween + espInUdpBetween > 0 && clearBetween == ikeBetween && markerHits == 0;
    }

    /** True when only ESP in UDP was seen between the gateways: no bare ESP, nothing else, no marker. */
    public boolean onlyEspInUdp() {
        return espInUdpBetween > 0 && espBetween == 0 && clearBetween == 0 && markerHits == 0;
    }

    @Override
    public String toString() {
        return frames + " frames; between the gateways " + espBetween + " ESP, " + espInUdpBetween
                + " ESP in UDP and " + clearBetween
                + " other IPv4 (" + ikeBetween + " of them IKE); IPv4 protocols " + protocols + "; marker seen in "
                + markerHits + " frames";
    }
}
