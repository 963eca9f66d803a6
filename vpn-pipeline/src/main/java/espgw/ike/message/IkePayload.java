package espgw.ike.message;

import io.netty.buffer.ByteBuf;

/**
 * One payload of an IKE message (RFC 7296 §3.2 and on). The generic payload header (Next
 * Payload, Critical bit, Payload Length) is written and read by {@link PayloadChain}; a payload
 * knows its type and its body.
 */
public sealed interface IkePayload permits SaPayload, KePayload, IdPayload, CertPayload, CertRequestPayload,
        AuthPayload, NoncePayload, NotifyPayload, DeletePayload, VendorIdPayload, TrafficSelectorPayload,
        EncryptedPayload, UnknownPayload {
    /** The Next Payload value that announces this payload (§3.2). */
    int type();

    /** Writes the body: everything after the 4-octet generic payload header. */
    void encodeBody(ByteBuf out);
}
