/**
 * Wire formats, one flyweight class per RFC format (static accessors on a buffer index, no object
 * per packet), constants spelled as the RFC spells them with the section cited. No state, no I/O.
 */
package espgw.wire;
