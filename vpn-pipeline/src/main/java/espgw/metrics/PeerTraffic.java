package espgw.metrics;

/**
 * Where the data path counts one peer's tunnelled packets: {@code in} is what arrived from the
 * peer (decrypted), {@code out} what was sent to it. Called once per packet on the event loop, so
 * an implementation must not allocate.
 */
public interface PeerTraffic {
    void packetIn(int bytes);

    void packetOut(int bytes);
}
