package espgw.ike.session;

import espgw.ike.crypto.IkeEncryption;
import espgw.ike.message.Proposal;
import espgw.ike.message.ProtocolId;
import espgw.ike.message.Transform;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What this end accepts for ESP CHILD SAs, in order of preference: AEAD encryptions and the
 * Extended Sequence Numbers choices (true = ESN, RFC 4303 §2.2.1).
 */
public record EspAlgorithms(List<IkeEncryption> encryptions, List<Boolean> esn) {
    public EspAlgorithms {
        encryptions = List.copyOf(encryptions);
        esn = List.copyOf(esn);
        if (encryptions.isEmpty() || esn.isEmpty()) {
            throw new IllegalArgumentException("an ESP proposal needs at least one encryption and one ESN choice");
        }
    }

    /** AES-GCM-256, ChaCha20-Poly1305, AES-GCM-128; ESN preferred, none accepted. */
    public static EspAlgorithms defaults() {
        return new EspAlgorithms(List.of(IkeEncryption.AES_GCM_16_256, IkeEncryption.CHACHA20_POLY1305,
                IkeEncryption.AES_GCM_16_128), List.of(true, false));
    }

    /** §3.3.1: one ESP proposal carrying our inbound SPI; §3.3.3: ENCR and ESN, no INTEG with AEAD. */
    public Proposal proposal(int inboundSpi) {
        List<Transform> transforms = new ArrayList<>();
        encryptions.forEach(e -> transforms.add(e.transform()));
        esn.forEach(on -> transforms.add(esnTransform(on)));
        return new Proposal(1, ProtocolId.ESP, ByteBuffer.allocate(4).putInt(inboundSpi).array(), transforms);
    }

    static Transform esnTransform(boolean on) {
        return Transform.of(Transform.TYPE_ESN, on ? Transform.ESN_YES : Transform.ESN_NO);
    }
}
