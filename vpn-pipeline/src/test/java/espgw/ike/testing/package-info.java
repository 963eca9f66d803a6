/**
 * strongSwan as the IKEv2 peer in tests. {@link espgw.ike.testing.StrongSwan} runs a charon with
 * kernel-libipsec in a {@link espgw.testing.NetnsLab} namespace, configured from
 * {@link espgw.ike.testing.SwanctlConnection}s and read back through
 * {@link espgw.ike.testing.SwanctlSas}; {@link espgw.ike.testing.Pki} makes throwaway certificates.
 * {@code StrongSwanBaselineTest} proves the harness strongSwan against strongSwan;
 * {@code RecordedFixturesTest} proves the known answers in {@code ike/strongswan/} (recorded by
 * {@code record.sh} there) mean what their README says.
 */
package espgw.ike.testing;
