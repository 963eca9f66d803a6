package espgw.scenario;

import espgw.lab.PcapFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A UDP datagram from a capture (unfragmented ones only: IKE answers are small), and the IKE
 * message in it: as it is on port 500, behind RFC 3948's Non-ESP Marker on port 4500.
 */
record CapturedUdp(int source, int sourcePort, int destination, int destinationPort, byte[] payload) {
    private static final int IPPROTO_UDP = 17;
    private static final int IKE_PORT = 500;
    private static final int NAT_T_PORT = 4500;
    private static final int NON_ESP_MARKER_LENGTH = 4;

    static List<CapturedUdp> read(Path pcap) throws IOException {
        List<CapturedUdp> datagrams = new ArrayList<>();
        for (byte[] packet : PcapFile.ipv4Packets(pcap)) {
            ByteBuffer ip = ByteBuffer.wrap(packet);
            int headerLength = (ip.get(0) & 0x0f) * 4;
            boolean fragment = (ip.getShort(6) & 0x3fff) != 0; // More Fragments or an offset
            if ((ip.get(9) & 0xff) != IPPROTO_UDP || fragment || packet.length < headerLength + 8) {
                continue;
            }
            int totalLength = ip.getShort(2) & 0xffff;
            datagrams.add(new CapturedUdp(ip.getInt(12), ip.getShort(headerLength) & 0xffff, ip.getInt(16),
                    ip.getShort(headerLength + 2) & 0xffff,
                    Arrays.copyOfRange(packet, headerLength + 8, Math.min(totalLength, packet.length))));
        }
        return datagrams;
    }

    /** The IKE message it carries: port 500 as is, port 4500 only behind the marker (else it is ESP). */
    Optional<byte[]> ikeMessage() {
        boolean marked = payload.length > NON_ESP_MARKER_LENGTH && ByteBuffer.wrap(payload).getInt(0) == 0;
        if (sourcePort == NAT_T_PORT || destinationPort == NAT_T_PORT) {
            return marked ? Optional.of(Arrays.copyOfRange(payload, NON_ESP_MARKER_LENGTH, payload.length))
                    : Optional.empty();
        }
        return sourcePort == IKE_PORT || destinationPort == IKE_PORT ? Optional.of(payload) : Optional.empty();
    }
}
