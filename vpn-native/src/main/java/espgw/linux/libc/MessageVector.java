package espgw.linux.libc;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code msgvec} argument of sendmmsg(2) and recvmmsg(2): an array of {@code struct mmsghdr}
 * in native memory, allocated once and refilled for every batch, so that a batch costs no Java
 * allocation and no native call but the system call itself. Message i has one
 * {@code struct iovec} (one packet in one buffer) and, unless the vector is for raw datagrams
 * received, its own {@code struct sockaddr_in}: the destination of a message sent, the source of
 * one received. A vector for UDP also has room for one control message per message: the
 * {@code UDP_SEGMENT} size of a GSO send, the {@code UDP_GRO} size of a coalesced receive. Fields
 * are written through a direct {@link ByteBuffer} view of that memory, in plain Java.
 *
 * <p>The offsets are those of 64-bit Linux (LP64: x86-64, arm64), where the kernel's and glibc's
 * layouts are the same; other pointer sizes are refused.
 *
 * <p>Not thread-safe: one per channel and direction, used on its event loop. The memory lives as
 * long as the object (the JDK frees a direct buffer once it is collected), so there is nothing to
 * close and nothing a late event could use after it was freed.
 */
public final class MessageVector {
    /** {@code bits/types/struct_iovec.h}: {@code void *iov_base; size_t iov_len}. */
    private static final int IOVEC_SIZE = 16;
    private static final int IOV_BASE = 0;
    private static final int IOV_LEN = 8;
    /** {@code bits/socket.h} {@code struct msghdr}, the start of {@code struct mmsghdr}. */
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    private static final int MSG_CONTROL = 32;
    private static final int MSG_CONTROLLEN = 40;
    private static final int MSG_FLAGS = 48;
    /** {@code struct mmsghdr}: the 56-byte msghdr, then {@code unsigned int msg_len}, padded to 8. */
    private static final int MSG_LEN = 56;
    private static final int MMSGHDR_SIZE = 64;
    /** {@code bits/socket.h}: msg_flags of a datagram cut to the buffer offered. */
    private static final int MSG_TRUNC = 0x20;
    /** {@code netinet/in.h} {@code struct sockaddr_in}: family in host order, port and address in network order. */
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int SIN_FAMILY = 0;
    private static final int SIN_PORT = 2;
    private static final int SIN_ADDR = 4;
    /**
     * {@code bits/socket.h} {@code struct cmsghdr}: {@code size_t cmsg_len; int cmsg_level; int
     * cmsg_type}, then the data. One with an {@code int} of data takes CMSG_SPACE(4) = 24 bytes.
     */
    private static final int CMSG_LEN = 0;
    private static final int CMSG_LEVEL = 8;
    private static final int CMSG_TYPE = 12;
    private static final int CMSG_DATA = 16;
    private static final int CMSG_SPACE_INT = 24;
    /** CMSG_LEN(sizeof(uint16_t)): UDP_SEGMENT's size is a 16-bit value (linux/udp.h). */
    private static final int CMSG_LEN_UINT16 = CMSG_DATA + 2;
    private static final int LP64_POINTER_SIZE = 8;
    private static final int NO_FLAGS = 0;

    private final int capacity;
    private final boolean withAddresses;
    private final int controlSize;
    /** Native byte order, for the C fields. */
    private final ByteBuffer memory;
    /** The same memory in network byte order, for sin_port and sin_addr. */
    private final ByteBuffer network;
    private final Pointer msgvec;
    private final int iovecs;
    private final int names;
    private final int controls;

    private MessageVector(int capacity, boolean withAddresses, int controlSize) {
        if (Native.POINTER_SIZE != LP64_POINTER_SIZE) {
            throw new UnsupportedOperationException("struct mmsghdr offsets are those of 64-bit Linux; pointers here are "
                    + Native.POINTER_SIZE + " bytes");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("a message vector holds at least one message, not " + capacity);
        }
        this.capacity = capacity;
        this.withAddresses = withAddresses;
        this.controlSize = controlSize;
        this.iovecs = capacity * MMSGHDR_SIZE;
        this.names = iovecs + capacity * IOVEC_SIZE;
        this.controls = names + (withAddresses ? capacity * SOCKADDR_IN_SIZE : 0);
        this.memory = ByteBuffer.allocateDirect(controls + capacity * controlSize).order(ByteOrder.nativeOrder());
        this.network = memory.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.msgvec = Native.getDirectBufferPointer(memory);
        long base = Pointer.nativeValue(msgvec);
        for (int i = 0; i < capacity; i++) {
            int header = i * MMSGHDR_SIZE;
            memory.putLong(header + MSG_IOV, base + iovecs + (long) i * IOVEC_SIZE);
            memory.putLong(header + MSG_IOVLEN, 1);
            if (withAddresses) {
                int name = names + i * SOCKADDR_IN_SIZE;
                memory.putLong(header + MSG_NAME, base + name);
                memory.putInt(header + MSG_NAMELEN, SOCKADDR_IN_SIZE);
                memory.putShort(name + SIN_FAMILY, (short) Socket.AF_INET);
            }
            if (controlSize > 0) {
                memory.putLong(header + MSG_CONTROL, base + controls + (long) i * controlSize);
            }
        }
    }

    /** Messages with a destination address each, for an unconnected raw socket (no ports). */
    public static MessageVector forSending(int capacity) {
        return new MessageVector(capacity, true, 0);
    }

    /** Messages without a source address: raw IP datagrams carry theirs in their header. */
    public static MessageVector forReceiving(int capacity) {
        return new MessageVector(capacity, false, 0);
    }

    /**
     * UDP datagrams: an address and port each (the destination of one sent, the source of one
     * received) and room for a control message (a GSO segment size sent, a GRO one received).
     */
    public static MessageVector forUdp(int capacity) {
        return new MessageVector(capacity, true, CMSG_SPACE_INT);
    }

    public int capacity() {
        return capacity;
    }

    /** Message {@code index} is the {@code length} bytes at native address {@code address}. */
    public void setBuffer(int index, long address, int length) {
        int iovec = iovecs + index * IOVEC_SIZE;
        memory.putLong(iovec + IOV_BASE, address);
        memory.putLong(iovec + IOV_LEN, length);
    }

    /** Message {@code index} goes to this IPv4 address, e.g. 0xC0A84D02 for 192.168.77.2. */
    public void setDestination(int index, int ipv4Address) {
        network.putInt(names + index * SOCKADDR_IN_SIZE + SIN_ADDR, ipv4Address);
    }

    /** Message {@code index} goes to this IPv4 address and UDP port. */
    public void setDestination(int index, int ipv4Address, int port) {
        setDestination(index, ipv4Address);
        network.putShort(names + index * SOCKADDR_IN_SIZE + SIN_PORT, (short) port);
    }

    /**
     * Message {@code index} is a run of datagrams of {@code segmentSize} bytes (the last may be
     * shorter) that the kernel cuts apart (UDP GSO, Linux 4.18+); 0 sends it as one datagram.
     */
    public void setSegmentSize(int index, int segmentSize) {
        int header = index * MMSGHDR_SIZE;
        if (segmentSize == 0) {
            memory.putLong(header + MSG_CONTROLLEN, 0);
            return;
        }
        int control = controls + index * controlSize;
        memory.putLong(control + CMSG_LEN, CMSG_LEN_UINT16);
        memory.putInt(control + CMSG_LEVEL, NetinetIn.IPPROTO_UDP);
        memory.putInt(control + CMSG_TYPE, NetinetIn.UDP_SEGMENT);
        memory.putShort(control + CMSG_DATA, (short) segmentSize);
        memory.putLong(header + MSG_CONTROLLEN, CMSG_SPACE_INT);
    }

    /** Bytes the kernel sent or received for message {@code index} in the last call that covered it. */
    public int length(int index) {
        return memory.getInt(index * MMSGHDR_SIZE + MSG_LEN);
    }

    /** Source IPv4 address of received message {@code index}. */
    public int sourceAddress(int index) {
        return network.getInt(names + index * SOCKADDR_IN_SIZE + SIN_ADDR);
    }

    /** Source UDP port of received message {@code index}. */
    public int sourcePort(int index) {
        return Short.toUnsignedInt(network.getShort(names + index * SOCKADDR_IN_SIZE + SIN_PORT));
    }

    /** Whether received message {@code index} was longer than its buffer and cut (MSG_TRUNC). */
    public boolean isTruncated(int index) {
        return (memory.getInt(index * MMSGHDR_SIZE + MSG_FLAGS) & MSG_TRUNC) != 0;
    }

    /**
     * The size of the datagrams the kernel coalesced into received message {@code index} (its
     * UDP_GRO control message), or 0 for a single datagram.
     */
    public int segmentSize(int index) {
        int header = index * MMSGHDR_SIZE;
        long length = memory.getLong(header + MSG_CONTROLLEN);
        int control = controls + index * controlSize;
        if (length >= CMSG_DATA + Integer.BYTES && memory.getInt(control + CMSG_LEVEL) == NetinetIn.IPPROTO_UDP
                && memory.getInt(control + CMSG_TYPE) == NetinetIn.UDP_GRO) {
            return memory.getInt(control + CMSG_DATA);
        }
        return 0;
    }

    /** sendmmsg(2) of messages {@code [0, count)} on {@code fd}: how many were sent, or minus the errno. */
    public int send(int fd, int count) {
        return result(Socket.sendmmsg(fd, msgvec, checkCount(count), NO_FLAGS));
    }

    /** recvmmsg(2) into messages {@code [0, count)} from {@code fd}: how many arrived, or minus the errno. */
    public int receive(int fd, int count) {
        checkCount(count);
        // The kernel overwrites these with what it filled in; each call offers the full room again.
        for (int i = 0; i < count && (withAddresses || controlSize > 0); i++) {
            int header = i * MMSGHDR_SIZE;
            if (withAddresses) {
                memory.putInt(header + MSG_NAMELEN, SOCKADDR_IN_SIZE);
            }
            memory.putLong(header + MSG_CONTROLLEN, controlSize);
        }
        return result(Socket.recvmmsg(fd, msgvec, count, NO_FLAGS, null));
    }

    private int checkCount(int count) {
        if (count < 1 || count > capacity) {
            throw new IndexOutOfBoundsException("count " + count + " outside 1.." + capacity);
        }
        return count;
    }

    private static int result(int returned) {
        return returned >= 0 ? returned : -Native.getLastError();
    }
}
