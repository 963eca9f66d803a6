package espgw.lab;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the frames of a classic pcap file with Ethernet link type, as tcpdump writes on a veth. */
public final class PcapFile {
    private static final int PCAP_MAGIC_MICROS = 0xa1b2c3d4;
    private static final int PCAP_MAGIC_NANOS = 0xa1b23c4d;
    private static final int LINKTYPE_ETHERNET = 1;
    private static final int GLOBAL_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    public static final int ETHERNET_HEADER = 14;
    public static final int ETHERTYPE_IPV4 = 0x0800;

    private PcapFile() {
    }

    /** Every whole frame, in order; a record torn off by stopping the capture is left out. */
    public static List<byte[]> frames(Path pcap) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(pcap));
        if (in.remaining() < GLOBAL_HEADER) {
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
        List<byte[]> frames = new ArrayList<>();
        int position = GLOBAL_HEADER;
        while (position + RECORD_HEADER <= in.limit()) {
            int captured = in.getInt(position + 8);
            int start = position + RECORD_HEADER;
            if (captured < 0 || start + captured > in.limit()) {
                break;
            }
            frames.add(Arrays.copyOfRange(in.array(), start, start + captured));
            position = start + captured;
        }
        return frames;
    }

    /** The IPv4 packets of the capture, without their Ethernet headers. */
    public static List<byte[]> ipv4Packets(Path pcap) throws IOException {
        List<byte[]> packets = new ArrayList<>();
        for (byte[] frame : frames(pcap)) {
            if (isIpv4(frame)) {
                packets.add(Arrays.copyOfRange(frame, ETHERNET_HEADER, frame.length));
            }
        }
        return packets;
    }

    static boolean isIpv4(byte[] frame) {
        return frame.length >= ETHERNET_HEADER + 20
                && ((frame[12] & 0xff) << 8 | frame[13] & 0xff) == ETHERTYPE_IPV4;
    }
}
