package espgw.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import espgw.metrics.StatusReports;
import org.junit.jupiter.api.Test;

/** The text of {@code espgw status} for IKE peers in each state, compared with {@code swanctl --list-sas}. */
class StatusViewTest {
    @Test
    void ikePeersInEveryState() {
        assertEquals("""
                instance: espgw
                  uptime: 10 minutes

                peer: nat
                  endpoint: 192.0.2.1
                  ike: established 2 minutes, 5 seconds ago, as initiator
                    local  client.espgw.test @ 10.0.0.161:4500
                    remote server.espgw.test @ 192.0.2.1:4500
                    SPIs 0123456789abcdef_i* fedcba9876543210_r
                    AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE25519
                    ESP in UDP from port 4500 to 4500, NAT detected in front of this end
                    rekey: IKE SA in 3 hours, 40 minutes; CHILD SA due now
                    peer last heard from 3 seconds ago
                  latest traffic: 0 seconds ago
                  transfer: 1000 B received (10 packets), 1.95 KiB sent (20 packets)
                  sa 0x00003001 out aes-gcm-256, age 2 minutes, 20 packets, 1.95 KiB
                  sa 0x00003002 in  aes-gcm-256, age 2 minutes, 8 packets, 800 B
                  sa 0x00004001 out aes-gcm-256, age 1 second, 0 packets, 0 B (pending: in force once the peer deletes the old pair)
                  sa 0x00004002 in  aes-gcm-256, age 1 second, 2 packets, 200 B (pending: in force once the peer deletes the old pair)
                  sa 0x00002002 in  aes-gcm-256, age 1 hour, 2 minutes, 0 packets, 0 B (replaced: kept a few seconds for packets in flight)

                peer: auth
                  endpoint: 10.0.0.7 (same subnet, via 10.0.1.7)
                  ike: connecting as initiator, IKE_AUTH sent, 2 retransmissions
                    last failure 12 seconds ago: AUTHENTICATION_FAILED (IKE SA failed: the responder did not authenticate)
                  latest traffic: never
                  transfer: 0 B received (0 packets), 0 B sent (0 packets)
                  sa: none (IKE has not negotiated one)

                peer: dead
                  endpoint: 10.0.0.8 (same subnet)
                  ike: down, initiating again in 8 seconds
                    last failure 4 seconds ago: peer dead: no answer for 90 s
                  latest traffic: 30 seconds ago
                  transfer: 500 B received (5 packets), 500 B sent (5 packets)
                  sa: none (IKE has not negotiated one)

                peer: setup
                  endpoint: 10.0.0.9 (same subnet)
                  ike: connecting as responder, waiting for IKE_AUTH
                  latest traffic: never
                  transfer: 0 B received (0 packets), 0 B sent (0 packets)
                  sa: none (IKE has not negotiated one)

                peer: idle
                  endpoint: 10.0.0.10 (same subnet)
                  ike: down, waiting for the peer to initiate
                  latest traffic: never
                  transfer: 0 B received (0 packets), 0 B sent (0 packets)
                  sa: none (IKE has not negotiated one)

                drops: none
                """, StatusView.render(StatusReports.ikePeers()));
    }
}
