package espgw.ike.crypto;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP data (RFC 7296 §2.23):
 * SHA-1(SPIi | SPIr | IP | Port). In IKE_SA_INIT's request SPIr is zero.
 */
public final class NatDetection {
    private NatDetection() {
    }

    public static byte[] hash(long spiI, long spiR, InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        ByteBuffer input = ByteBuffer.allocate(16 + ip.length + 2)
                .putLong(spiI).putLong(spiR).put(ip).putShort((short) address.getPort());
        try {
            // SHA-1 because §2.23 says so; the hash only has to survive a NAT, not an adversary.
            return MessageDigest.getInstance("SHA-1").digest(input.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JCE lacks SHA-1", e);
        }
    }
}
