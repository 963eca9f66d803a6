package espgw.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fixed status reports, as daemons with manual-key peers and with IKE peers in every state would give. */
public final class StatusReports {
    private StatusReports() {
    }

    /** One active peer on the client's LAN subnet, reached by a host route, and one idle peer elsewhere. */
    public static StatusReport twoPeers() {
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("replay", 3L);
        drops.put("icv", 0L);
        drops.put("no_sa", 1L);
        return new StatusReport("espgw", 3723, List.of(
                new StatusReport.Peer("server-b", "10.0.0.160", true, StatusReport.Steering.ROUTED, 2L, 1000, 1_258_291, 12, 2048,
                        List.of(new StatusReport.Sa("0x00001001", "in", "aes-gcm-128", 300, 1000, 1_258_291, true,
                                        StatusReport.Sa.ACTIVE),
                                new StatusReport.Sa("0x00002001", "out", "aes-gcm-128", 300, 12, 2048, true,
                                        StatusReport.Sa.ACTIVE)), null),
                new StatusReport.Peer("remote \"c\"", "192.0.2.7", false, null, null, 0, 0, 0, 0, List.of(), null)),
                drops);
    }

    /**
     * IKE peers: one established behind a NAT in the middle of the peer's CHILD SA rekey (a pending
     * pair and a replaced inbound SA), one whose setup retransmits IKE_AUTH after an authentication
     * failure (on the client's LAN subnet, reached through the offset), one down after its peer
     * died, one being set up by its peer, one waiting for its peer.
     */
    public static StatusReport ikePeers() {
        IkeStatus.Established established = new IkeStatus.Established(IkeStatus.INITIATOR, 125, "client.espgw.test",
                "server.espgw.test", "10.0.0.161:4500", "192.0.2.1:4500", "0123456789abcdef", "fedcba9876543210",
                "AES_GCM_16_256", "PRF_HMAC_SHA2_256", "CURVE25519",
                new IkeStatus.Encapsulation(true, true, false, 4500, 4500), 13_200L, 0L, 3);
        IkeStatus.Failure authentication = new IkeStatus.Failure("AUTHENTICATION_FAILED",
                "IKE SA failed: the responder did not authenticate", 12);
        IkeStatus.Failure dead = new IkeStatus.Failure(IkeStatus.Failure.NO_NOTIFY, "peer dead: no answer for 90 s", 4);
        return new StatusReport("espgw", 600, List.of(
                new StatusReport.Peer("nat", "192.0.2.1", false, null, 0L, 10, 1000, 20, 2000, List.of(
                        new StatusReport.Sa("0x00003001", "out", "aes-gcm-256", 120, 20, 2000, false,
                                StatusReport.Sa.ACTIVE),
                        new StatusReport.Sa("0x00003002", "in", "aes-gcm-256", 120, 8, 800, false,
                                StatusReport.Sa.ACTIVE),
                        new StatusReport.Sa("0x00004001", "out", "aes-gcm-256", 1, 0, 0, false,
                                StatusReport.Sa.PENDING),
                        new StatusReport.Sa("0x00004002", "in", "aes-gcm-256", 1, 2, 200, false,
                                StatusReport.Sa.PENDING),
                        new StatusReport.Sa("0x00002002", "in", "aes-gcm-256", 3720, 0, 0, false,
                                StatusReport.Sa.REPLACED)),
                        new IkeStatus(IkeStatus.ESTABLISHED, null, established, null, null)),
                new StatusReport.Peer("auth", "10.0.0.7", true, StatusReport.Steering.offset("10.0.1.7"), null, 0, 0, 0, 0, List.of(),
                        new IkeStatus(IkeStatus.CONNECTING, new IkeStatus.Connecting(IkeStatus.INITIATOR, "IKE_AUTH", 2),
                                null, authentication, null)),
                new StatusReport.Peer("dead", "10.0.0.8", true, null, 30L, 5, 500, 5, 500, List.of(),
                        new IkeStatus(IkeStatus.DOWN, null, null, dead, 8L)),
                new StatusReport.Peer("setup", "10.0.0.9", true, null, null, 0, 0, 0, 0, List.of(),
                        new IkeStatus(IkeStatus.CONNECTING, new IkeStatus.Connecting(IkeStatus.RESPONDER, "IKE_AUTH", 0),
                                null, null, null)),
                new StatusReport.Peer("idle", "10.0.0.10", true, null, null, 0, 0, 0, 0, List.of(),
                        new IkeStatus(IkeStatus.DOWN, null, null, null, null))),
                Map.of("no_sa", 0L));
    }
}
