/**
 * The {@code espgw} command line (picocli). Each subcommand is a thin shell over the classes that
 * do the work; failures an operator can fix end as one line on stderr with exit code 2 (usage,
 * config) or 1 (runtime), never as a stack trace.
 */
package espgw.cli;
