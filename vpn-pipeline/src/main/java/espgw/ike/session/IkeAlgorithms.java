package espgw.ike.session;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.crypto.KeyExchangeGroup;
import espgw.ike.crypto.Prf;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.Transform;
import java.util.ArrayList;
import java.util.List;

/** What this end accepts for the IKE SA, each list in order of preference; the first group is offered in KE. */
public record IkeAlgorithms(List<IkeEncryption> encryptions, List<Prf> prfs, List<KeyExchangeGroup> groups) {
    public IkeAlgorithms {
        encryptions = List.copyOf(encryptions);
        prfs = List.copyOf(prfs);
        groups = List.copyOf(groups);
        if (encryptions.isEmpty() || prfs.isEmpty() || groups.isEmpty()) {
            throw new IllegalArgumentException("an IKE proposal needs at least one encryption, PRF and group");
        }
    }

    /** AES-GCM-256, ChaCha20-Poly1305, AES-GCM-128; HMAC-SHA2-256/384/512; Curve25519, then ECP-256. */
    public static IkeAlgorithms defaults() {
        return new IkeAlgorithms(List.of(IkeEncryption.AES_GCM_16_256, IkeEncryption.CHACHA20_POLY1305,
                IkeEncryption.AES_GCM_16_128), List.of(Prf.PRF_HMAC_SHA2_256, Prf.PRF_HMAC_SHA2_384,
                Prf.PRF_HMAC_SHA2_512), List.of(KeyExchangeGroup.CURVE25519, KeyExchangeGroup.ECP_256));
    }

    /** §3.3.1: the single proposal of an initial IKE_SA_INIT, number 1, no SPI; AEAD needs no INTEG. */
    public Proposal proposal() {
        List<Transform> transforms = new ArrayList<>();
        encryptions.forEach(e -> transforms.add(e.transform()));
        prfs.forEach(p -> transforms.add(p.transform()));
        groups.forEach(g -> transforms.add(g.transform()));
        return new Proposal(1, ProtocolId.IKE, new byte[0], transforms);
    }
}
