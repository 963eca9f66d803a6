/** Log output format; everything else logs through SLF4J only. Keys are never logged. */
package espgw.logging;
