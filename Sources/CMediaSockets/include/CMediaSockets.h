// System calls the RTP receive path needs that Swift's Glibc module does not import
// (epoll, recvmmsg and the SO_TIMESTAMPNS control message), behind small C functions.
#ifndef C_MEDIA_SOCKETS_H
#define C_MEDIA_SOCKETS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/// One datagram of a batch: the caller points `bytes` at `capacity` bytes; a read fills in the rest.
typedef struct {
    void *bytes;
    size_t capacity;
    /// Bytes received (a longer datagram is cut to `capacity` and flagged `truncated`).
    size_t length;
    int truncated;
    struct sockaddr_storage source;
    socklen_t sourceLength;
    /// When the kernel received it (CLOCK_REALTIME, nanoseconds), or 0 when the socket gave no timestamp.
    int64_t realtimeNanoseconds;
} cmedia_datagram;

/// A close-on-exec epoll instance, or -1 with errno set.
int cmedia_epoll_create(void);
/// Watches `fd` for input (level-triggered); 0 or -1 with errno set.
int cmedia_epoll_add(int epfd, int fd);
/// Stops watching `fd`; 0 or -1 with errno set.
int cmedia_epoll_remove(int epfd, int fd);
/// The descriptors ready for reading now (no waiting), at most `capacity`; their number, or -1 with errno set.
int cmedia_epoll_ready(int epfd, int *fds, int capacity);

/// Asks the kernel to stamp each datagram of `fd` with its arrival time (SO_TIMESTAMPNS); 0 or -1.
int cmedia_enable_receive_timestamps(int fd);
/// Reads up to `count` datagrams waiting on `fd` in one system call, without blocking: how many were read,
/// 0 when none was waiting, or -1 with errno set on another error.
int cmedia_receive_batch(int fd, cmedia_datagram *datagrams, unsigned count);
/// CLOCK_REALTIME now, in nanoseconds: the clock of the receive timestamps.
int64_t cmedia_realtime_nanoseconds(void);

#endif
