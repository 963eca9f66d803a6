package espgw.esp;

import espgw.crypto.AeadAlgorithm;
import espgw.crypto.JceAead;
import espgw.sa.Direction;
import espgw.sa.MemorySequenceStore;
import espgw.sa.ReplayWindow;
import espgw.sa.SaDatabase;
import espgw.sa.SaSelectors;
import espgw.sa.SecurityAssociation;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;

/** Two ends of one SA in memory: the sender's outbound SA and the receiver's database. */
public final class Tunnel {
    public static final int SPI = 0x0000c0de;
    public static final Inet4Address LOCAL = address("10.0.0.1");
    public static final Inet4Address PEER = address("10.0.0.2");

    public final AeadAlgorithm algorithm;
    public final byte[] keymat;
    public final boolean esn;
    public final SecurityAssociation outbound;
    public final SecurityAssociation inbound;
    public final SaDatabase receiver = new SaDatabase();
    public final EspEncryptor encryptor = new EspEncryptor();
    public final EspDecryptor decryptor = new EspDecryptor(receiver);

    /** @param firstSequence the first sequence number the sender will use */
    public Tunnel(AeadAlgorithm algorithm, boolean esn, long firstSequence) {
        this(algorithm, esn, firstSequence, ReplayWindow.DEFAULT_SIZE);
    }

    public Tunnel(AeadAlgorithm algorithm, boolean esn, long firstSequence, int replayWindow) {
        this(algorithm, esn, firstSequence, replayWindow, SaSelectors.ANY);
    }

    /** @param selectors the inner addresses the receiver's inbound SA admits */
    public Tunnel(AeadAlgorithm algorithm, boolean esn, long firstSequence, int replayWindow, SaSelectors selectors) {
        this.algorithm = algorithm;
        this.esn = esn;
        this.keymat = new byte[algorithm.keymatLength()];
        new Random(algorithm.ordinal()).nextBytes(keymat);
        MemorySequenceStore store = new MemorySequenceStore();
        store.reserve(SPI, firstSequence - 1);
        this.outbound = SecurityAssociation.builder(SPI, Direction.OUTBOUND, new JceAead(algorithm, keymat))
                .esn(esn).addresses(LOCAL, PEER).sequenceStore(store).build();
        this.inbound = SecurityAssociation.builder(SPI, Direction.INBOUND, new JceAead(algorithm, keymat))
                .esn(esn).addresses(PEER, LOCAL).replayWindow(replayWindow).selectors(selectors).build();
        receiver.install(inbound);
    }

    /** A plausible inner IPv4 packet: version/IHL, total length, random rest. */
    public static byte[] innerPacket(Random random, int length) {
        byte[] packet = new byte[length];
        random.nextBytes(packet);
        packet[0] = 0x45;
        packet[2] = (byte) (length >>> 8);
        packet[3] = (byte) length;
        return packet;
    }

    public static Inet4Address address(String text) {
        try {
            return (Inet4Address) InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
