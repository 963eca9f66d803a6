/**
 * Journaled changes to the host's network: one {@link espgw.linux.host.HostNetwork} per instance
 * adds links, IPv4 addresses, routes, policy rules, sysctls and the one nftables table
 * {@code ip espgw}, through iproute2, {@code sysctl} and {@code nft}.
 *
 * <p>Write-ahead: each change is appended to {@code <stateDir>/<instance>.journal} together with
 * the command that reverses it, and the journal is fsync'ed <em>before</em> the change is made.
 * Whatever happens to the process (clean stop, exception, SIGKILL), the journal lists a superset
 * of what is in place, so {@code espgw down} — or the next {@code espgw up} of that instance —
 * runs the reversing commands newest first and removes exactly what espgw added. A reversal whose
 * target is already gone counts as done, which makes undo idempotent and covers the last entry
 * of a process killed between the fsync and the change.
 *
 * <p>An instance holds {@code <stateDir>/<instance>.lock} (a POSIX record lock, released by the
 * kernel when the process dies) for as long as it runs; a second process for the same instance,
 * {@code up} or {@code down}, is refused with the holder's pid. All commands go through the
 * {@link espgw.linux.host.CommandRunner} interface, so journal and undo logic are tested
 * without privileges.
 */
package espgw.linux.host;
