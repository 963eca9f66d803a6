package espgw.linux.libc;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code msgvec} argument of sendmmsg(2) and recvmmsg(2): an array of {@code struct mmsghdr}
 * in native memory, allocated once and refilled for every batch, so that a batch costs no Java
 * allocation and no native call but the system call itself. Message i has one
 * {@code struct iovec} (one packet in one buffer) and, in a vector {@linkplain #forSending for
 * sending}, its own {@code struct sockaddr_in} destination. Fields are written through a direct
 * {@link ByteBuffer} view of that memory, in plain Java.
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
    /**
     * {@code bits/socket.h} {@code struct msghdr}, the start of {@code struct mmsghdr}. msg_control,
     * msg_controllen and msg_flags stay zero: no ancillary data.
     */
    private static final int MSG_NAME = 0;
    private static final int MSG_NAMELEN = 8;
    private static final int MSG_IOV = 16;
    private static final int MSG_IOVLEN = 24;
    /** {@code struct mmsghdr}: the 56-byte msghdr, then {@code unsigned int msg_len}, padded to 8. */
    private static final int MSG_LEN = 56;
    private static final int MMSGHDR_SIZE = 64;
    /** {@code netinet/in.h} {@code struct sockaddr_in}: family in host order, address in network order. */
    private static final int SOCKADDR_IN_SIZE = 16;
    private static final int SIN_FAMILY = 0;
    private static final int SIN_ADDR = 4;
    private static final int LP64_POINTER_SIZE = 8;
    private static final int NO_FLAGS = 0;

    private final int capacity;
    /** Native byte order, for the C fields. */
    private final ByteBuffer memory;
    /** The same memory in network byte order, for sin_addr. */
    private final ByteBuffer network;
    private final Pointer msgvec;

    private MessageVector(int capacity, boolean withDestinations) {
        if (Native.POINTER_SIZE != LP64_POINTER_SIZE) {
            throw new UnsupportedOperationException("struct mmsghdr offsets are those of 64-bit Linux; pointers here are "
                    + Native.POINTER_SIZE + " bytes");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("a message vector holds at least one message, not " + capacity);
        }
        this.capacity = capacity;
        int iovecs = capacity * MMSGHDR_SIZE;
        int names = iovecs + capacity * IOVEC_SIZE;
        int size = names + (withDestinations ? capacity * SOCKADDR_IN_SIZE : 0);
        this.memory = ByteBuffer.allocateDirect(size).order(ByteOrder.nativeOrder());
        this.network = memory.duplicate().order(ByteOrder.BIG_ENDIAN);
        this.msgvec = Native.getDirectBufferPointer(memory);
        long base = Pointer.nativeValue(msgvec);
        for (int i = 0; i < capacity; i++) {
            int header = i * MMSGHDR_SIZE;
            memory.putLong(header + MSG_IOV, base + iovecs + (long) i * IOVEC_SIZE);
            memory.putLong(header + MSG_IOVLEN, 1);
            if (withDestinations) {
                int name = names + i * SOCKADDR_IN_SIZE;
                memory.putLong(header + MSG_NAME, base + name);
                memory.putInt(header + MSG_NAMELEN, SOCKADDR_IN_SIZE);
                memory.putShort(name + SIN_FAMILY, (short) Socket.AF_INET);
            }
        }
    }

    /** Messages with a destination each, for an unconnected socket. */
    public static MessageVector forSending(int capacity) {
        return new MessageVector(capacity, true);
    }

    /** Messages without a source address: raw IP datagrams carry theirs in their header. */
    public static MessageVector forReceiving(int capacity) {
        return new MessageVector(capacity, false);
    }

    public int capacity() {
        return capacity;
    }

    /** Message {@code index} is the {@code length} bytes at native address {@code address}. */
    public void setBuffer(int index, long address, int length) {
        int iovec = capacity * MMSGHDR_SIZE + index * IOVEC_SIZE;
        memory.putLong(iovec + IOV_BASE, address);
        memory.putLong(iovec + IOV_LEN, length);
    }

    /** Message {@code index} goes to this IPv4 address, e.g. 0xC0A84D02 for 192.168.77.2. */
    public void setDestination(int index, int ipv4Address) {
        int name = capacity * (MMSGHDR_SIZE + IOVEC_SIZE) + index * SOCKADDR_IN_SIZE;
        network.putInt(name + SIN_ADDR, ipv4Address);
    }

    /** Bytes the kernel sent or received for message {@code index} in the last call that covered it. */
    public int length(int index) {
        return memory.getInt(index * MMSGHDR_SIZE + MSG_LEN);
    }

    /** sendmmsg(2) of messages {@code [0, count)} on {@code fd}: how many were sent, or minus the errno. */
    public int send(int fd, int count) {
        return result(Socket.sendmmsg(fd, msgvec, checkCount(count), NO_FLAGS));
    }

    /** recvmmsg(2) into messages {@code [0, count)} from {@code fd}: how many arrived, or minus the errno. */
    public int receive(int fd, int count) {
        return result(Socket.recvmmsg(fd, msgvec, checkCount(count), NO_FLAGS, null));
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
