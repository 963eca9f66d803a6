package espgw.ike.session;

import espgw.crypto.AeadBackend;
import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.message.TrafficSelector;
import espgw.sa.Direction;
import espgw.sa.SecurityAssociation;
import java.util.List;
import java.util.Optional;

/**
 * A CHILD SA pair as IKE negotiated it, from this end's point of view: the SPI and key material
 * of each direction (RFC 7296 §2.17), the AEAD, ESN, the traffic selectors both sides agreed
 * on, and the group of the key exchange its keys came from, if any (PFS, §1.3.1). {@link #toBuilder(Direction)} turns a direction into an {@link SecurityAssociation}.
 * {@link #toString()} never prints a key.
 */
public final class NegotiatedChildSa {
    private final int inboundSpi;
    private final int outboundSpi;
    private final IkeEncryption encryption;
    private final boolean esn;
    private final byte[] inboundKeymat;
    private final byte[] outboundKeymat;
    private final List<TrafficSelector> localTrafficSelectors;
    private final List<TrafficSelector> remoteTrafficSelectors;
    private final Optional<KeyExchangeGroup> pfs;

    /** A pair without PFS, such as IKE_AUTH's (§1.2). */
    NegotiatedChildSa(int inboundSpi, int outboundSpi, IkeEncryption encryption, boolean esn, byte[] inboundKeymat,
            byte[] outboundKeymat, List<TrafficSelector> localTrafficSelectors,
            List<TrafficSelector> remoteTrafficSelectors) {
        this(inboundSpi, outboundSpi, encryption, esn, inboundKeymat, outboundKeymat, localTrafficSelectors,
                remoteTrafficSelectors, Optional.empty());
    }

    NegotiatedChildSa(int inboundSpi, int outboundSpi, IkeEncryption encryption, boolean esn, byte[] inboundKeymat,
            byte[] outboundKeymat, List<TrafficSelector> localTrafficSelectors,
            List<TrafficSelector> remoteTrafficSelectors, Optional<KeyExchangeGroup> pfs) {
        this.inboundSpi = inboundSpi;
        this.outboundSpi = outboundSpi;
        this.encryption = encryption;
        this.esn = esn;
        this.inboundKeymat = inboundKeymat.clone();
        this.outboundKeymat = outboundKeymat.clone();
        this.localTrafficSelectors = List.copyOf(localTrafficSelectors);
        this.remoteTrafficSelectors = List.copyOf(remoteTrafficSelectors);
        this.pfs = pfs;
    }

    /** The SPI the peer puts on packets to us (we chose it). */
    public int inboundSpi() {
        return inboundSpi;
    }

    /** The SPI we put on packets to the peer (the peer chose it). */
    public int outboundSpi() {
        return outboundSpi;
    }

    public IkeEncryption encryption() {
        return encryption;
    }

    public boolean esn() {
        return esn;
    }

    /** Key and salt for one direction; for the key log only, everything else uses {@link #toBuilder}. */
    public byte[] keymat(Direction direction) {
        return direction == Direction.INBOUND ? inboundKeymat.clone() : outboundKeymat.clone();
    }

    public List<TrafficSelector> localTrafficSelectors() {
        return localTrafficSelectors;
    }

    public List<TrafficSelector> remoteTrafficSelectors() {
        return remoteTrafficSelectors;
    }

    /** The group of the CREATE_CHILD_SA key exchange the keys came from; empty without PFS. */
    public Optional<KeyExchangeGroup> pfs() {
        return pfs;
    }

    /** A builder for one direction's SA with its SPI, a fresh cipher and the ESN choice. */
    public SecurityAssociation.Builder toBuilder(Direction direction) {
        boolean inbound = direction == Direction.INBOUND;
        return SecurityAssociation.builder(inbound ? inboundSpi : outboundSpi, direction,
                AeadBackend.chosen().create(encryption.aead(), inbound ? inboundKeymat : outboundKeymat)).esn(esn);
    }

    @Override
    public String toString() {
        return String.format("ChildSa[in 0x%08x out 0x%08x %s%s%s %s <-> %s keys=<redacted>]", inboundSpi,
                outboundSpi, encryption.aead().configName(), esn ? " esn" : "", pfs.map(g -> " pfs " + g).orElse(""),
                localTrafficSelectors, remoteTrafficSelectors);
    }
}
