#define _GNU_SOURCE
#include "CMediaSockets.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#ifdef __linux__
#include <sys/epoll.h>

int cmedia_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int cmedia_epoll_add(int epfd, int fd) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN;
    event.data.fd = fd;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

int cmedia_epoll_remove(int epfd, int fd) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event);
}

enum { READY_BATCH = 256 };

int cmedia_epoll_ready(int epfd, int *fds, int capacity) {
    struct epoll_event events[READY_BATCH];
    if (capacity > READY_BATCH) capacity = READY_BATCH;
    int n;
    do { n = epoll_wait(epfd, events, capacity, 0); } while (n < 0 && errno == EINTR);
    for (int i = 0; i < n; i++) fds[i] = events[i].data.fd;
    return n;
}

int cmedia_enable_receive_timestamps(int fd) {
    int on = 1;
    return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
}

enum { MAX_BATCH = 64 };

int cmedia_receive_batch(int fd, cmedia_datagram *datagrams, unsigned count) {
    struct mmsghdr headers[MAX_BATCH];
    struct iovec vectors[MAX_BATCH];
    union {
        char buffer[CMSG_SPACE(sizeof(struct timespec))];
        struct cmsghdr align;
    } controls[MAX_BATCH];
    if (count > MAX_BATCH) count = MAX_BATCH;
    memset(headers, 0, sizeof(headers[0]) * count);
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = datagrams[i].bytes;
        vectors[i].iov_len = datagrams[i].capacity;
        headers[i].msg_hdr.msg_name = &datagrams[i].source;
        headers[i].msg_hdr.msg_namelen = sizeof(datagrams[i].source);
        headers[i].msg_hdr.msg_iov = &vectors[i];
        headers[i].msg_hdr.msg_iovlen = 1;
        headers[i].msg_hdr.msg_control = controls[i].buffer;
        headers[i].msg_hdr.msg_controllen = sizeof(controls[i].buffer);
    }
    int n;
    do { n = recvmmsg(fd, headers, count, MSG_DONTWAIT, NULL); } while (n < 0 && errno == EINTR);
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    for (int i = 0; i < n; i++) {
        struct msghdr *header = &headers[i].msg_hdr;
        datagrams[i].length = headers[i].msg_len;
        datagrams[i].truncated = (header->msg_flags & MSG_TRUNC) != 0;
        datagrams[i].sourceLength = header->msg_namelen;
        datagrams[i].realtimeNanoseconds = 0;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(header); c != NULL; c = CMSG_NXTHDR(header, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                struct timespec stamp;
                memcpy(&stamp, CMSG_DATA(c), sizeof(stamp));
                datagrams[i].realtimeNanoseconds = (int64_t)stamp.tv_sec * 1000000000 + stamp.tv_nsec;
            }
        }
    }
    return n;
}

#else

int cmedia_epoll_create(void) { errno = ENOSYS; return -1; }
int cmedia_epoll_add(int epfd, int fd) { (void)epfd; (void)fd; errno = ENOSYS; return -1; }
int cmedia_epoll_remove(int epfd, int fd) { (void)epfd; (void)fd; errno = ENOSYS; return -1; }
int cmedia_epoll_ready(int epfd, int *fds, int capacity) { (void)epfd; (void)fds; (void)capacity; errno = ENOSYS; return -1; }
int cmedia_enable_receive_timestamps(int fd) { (void)fd; errno = ENOSYS; return -1; }
int cmedia_receive_batch(int fd, cmedia_datagram *datagrams, unsigned count) {
    (void)fd; (void)datagrams; (void)count; errno = ENOSYS; return -1;
}

#endif

int64_t cmedia_realtime_nanoseconds(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}
