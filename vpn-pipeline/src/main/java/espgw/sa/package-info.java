/**
 * Security associations: {@link espgw.sa.SecurityAssociation} (identity, keyed cipher, sequence
 * counter or {@link espgw.sa.ReplayWindow}, lifetimes), the {@link espgw.sa.SaDatabase} that finds
 * them per packet, manual SA definitions, the durable sequence reservation that keeps IVs unique
 * across restarts, and the Wireshark key log.
 *
 * <p>Threading: an SA's mutable state has one writer, the event loop that processes its packets.
 * Control threads (config, CLI, IKE) only build SAs and install/remove them in the database, which
 * publishes immutable snapshots; the packet path takes no lock. No I/O here except the sequence
 * reservation (one fsync per block of sequence numbers) and the key log (at SA installation).
 */
package espgw.sa;
