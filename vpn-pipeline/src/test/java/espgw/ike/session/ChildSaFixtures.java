package espgw.ike.session;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.message.TrafficSelector;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/** CHILD SA pairs as IKE would report them, for tests of what installs them outside this package. */
public final class ChildSaFixtures {
    private ChildSaFixtures() {
    }

    /** A pair with these SPIs, AES-GCM-128, made-up keys (not secret) and selectors for every IPv4 address. */
    public static NegotiatedChildSa pair(int inboundSpi, int outboundSpi) {
        byte[] inbound = new byte[IkeEncryption.AES_GCM_16_128.keymatLength()];
        byte[] outbound = new byte[inbound.length];
        Arrays.fill(inbound, (byte) inboundSpi);
        Arrays.fill(outbound, (byte) outboundSpi);
        List<TrafficSelector> any = List.of(TrafficSelector.ipv4Range(address("0.0.0.0"), address("255.255.255.255")));
        return new NegotiatedChildSa(inboundSpi, outboundSpi, IkeEncryption.AES_GCM_16_128, true, inbound, outbound,
                any, any);
    }

    private static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
