/**
 * The IKEv2 exchanges that set up an IKE SA and its first CHILD SA (RFC 7296 §1.2):
 * {@link espgw.ike.session.IkeInitiator} and {@link espgw.ike.session.IkeResponder} run
 * IKE_SA_INIT (proposal choice, key exchange, NAT detection, INVALID_KE_PAYLOAD and COOKIE
 * retries) and IKE_AUTH with a pre-shared key or certificates (identities, CERT, AUTH, the ESP
 * proposal, traffic selectors), and hand over the result as a {@link espgw.ike.session.NegotiatedChildSa} that
 * builds {@link espgw.sa.SecurityAssociation}s. After IKE_AUTH both hand over to an
 * {@link espgw.ike.session.IkeSa}, which serves the established IKE SA (RFC 7296 §1.3, §1.4):
 * message IDs and retransmission per IKE SA ({@code IkeSaChannel}), liveness checks and dead peer
 * detection (§2.4), deletes, CHILD SA rekeys with PFS ({@code ChildSaRekey}), IKE SA rekeys
 * ({@code IkeSaRekey}) and simultaneous rekeys ({@code RekeyCollision}); the daemon learns what
 * changed from its {@link espgw.ike.session.IkeEvent}s.
 *
 * <p>Like the ESP core, these classes do no I/O: they take received datagrams (without RFC 3948's
 * non-ESP marker) and return the datagrams to send; time comes from an injected
 * {@link espgw.sa.Clock}, so two ends run back to back in memory in tests. One instance per IKE
 * SA, confined to one thread. The daemon runs them in {@code espgw.daemon.IkeSession}.
 */
package espgw.ike.session;
