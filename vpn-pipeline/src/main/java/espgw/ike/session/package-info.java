/**
 * The IKEv2 exchanges that set up an IKE SA and its first CHILD SA (RFC 7296 §1.2):
 * {@link espgw.ike.session.IkeInitiator} and {@link espgw.ike.session.IkeResponder} run
 * IKE_SA_INIT (proposal choice, key exchange, NAT detection, INVALID_KE_PAYLOAD and COOKIE
 * retries) and IKE_AUTH with a pre-shared key or certificates (identities, CERT, AUTH, the ESP
 * proposal, traffic selectors), and hand over the result as a {@link espgw.ike.session.NegotiatedChildSa} that
 * builds {@link espgw.sa.SecurityAssociation}s.
 *
 * <p>Like the ESP core, these classes do no I/O: they take received datagrams (without RFC 3948's
 * non-ESP marker) and return the datagrams to send; time comes from an injected
 * {@link espgw.sa.Clock}, so two ends run back to back in memory in tests. One instance per IKE
 * SA, confined to one thread. The daemon runs them in {@code espgw.daemon.IkeSession}.
 */
package espgw.ike.session;
