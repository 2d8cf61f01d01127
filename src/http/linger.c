/*
 * Lingering close (nginx's lingering_close, RFC 9112 §9.6): a connection
 * answered before its body was read (413 for a declared body over the
 * cap, 400/411 for a body framed the wrong way) is not closed at once.
 * Closing a TCP socket whose receive buffer holds unread bytes sends a
 * reset, and a reset makes the client's kernel drop the answer it has
 * not read yet: a client that sends its whole body before reading (curl
 * -d @file, most scripts) saw "connection reset" instead of the 413.
 *
 * So the completion callback hands a duplicate of the socket here; the
 * answer is out by then. One thread per server sends the FIN
 * (shutdown(SHUT_WR)) and reads and discards what the client still sends
 * until it closes, LINGER_MS pass or LINGER_BYTES are read, whichever
 * comes first, then closes. At most LINGER_MAX connections linger at
 * once; past that, or when the thread could not start, a connection is
 * closed at once as before (a reset for a client still sending).
 *
 * States of a slot: free (fd -1) -> lingering (added by a worker thread
 * under lock) -> free (closed by the linger thread, or at stop).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/internal.h"

#define LINGER_MAX 64
#define LINGER_MS 2000
#define LINGER_BYTES (32u * 1024 * 1024)

struct http_linger {
        pthread_t thread;
        pthread_mutex_t lock;                /* guards the slots and stop */
        int wake[2];                         /* a byte: look at the slots again */
        bool stop;
        struct {
                int fd;                      /* -1: free */
                size_t read;                 /* bytes discarded so far */
                struct timespec deadline;
        } slots[LINGER_MAX];
};

static long ms_until(const struct timespec *t)
{
        struct timespec now;

        clock_gettime(CLOCK_MONOTONIC, &now);
        return (t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
}

/* Reads what fd holds, without blocking (MHD's sockets are non-blocking,
 * and the duplicate shares that): whether the slot is done. */
static bool drain(int fd, size_t *read_total)
{
        static char sink[64 * 1024];         /* discarded: shared is fine */

        for (;;) {
                ssize_t n = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
                if (n > 0) {
                        *read_total += (size_t)n;
                        if (*read_total >= LINGER_BYTES)
                                return true;
                        continue;
                }
                if (n < 0 && errno == EINTR)
                        continue;
                return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
        }
}

static void *linger_thread(void *arg)
{
        struct http_linger *l = arg;
        struct pollfd pfd[LINGER_MAX + 1];
        int slot_of[LINGER_MAX + 1];

        for (;;) {
                nfds_t n = 1;
                long timeout = -1;

                pthread_mutex_lock(&l->lock);
                if (l->stop) {
                        pthread_mutex_unlock(&l->lock);
                        return NULL;
                }
                for (int i = 0; i < LINGER_MAX; i++) {
                        long left;

                        if (l->slots[i].fd < 0)
                                continue;
                        left = ms_until(&l->slots[i].deadline);
                        if (left <= 0) {
                                close(l->slots[i].fd);
                                l->slots[i].fd = -1;
                                continue;
                        }
                        if (timeout < 0 || left < timeout)
                                timeout = left;
                        pfd[n] = (struct pollfd){ .fd = l->slots[i].fd, .events = POLLIN };
                        slot_of[n++] = i;
                }
                pthread_mutex_unlock(&l->lock);
                pfd[0] = (struct pollfd){ .fd = l->wake[0], .events = POLLIN };
                if (poll(pfd, n, (int)timeout) < 0 && errno != EINTR)
                        return NULL;
                if (pfd[0].revents) {
                        char b[64];
                        (void)!read(l->wake[0], b, sizeof(b));
                }
                /* Only this thread frees a slot, so the ones seen above
                 * still hold the same sockets. */
                for (nfds_t k = 1; k < n; k++) {
                        int i = slot_of[k];
                        if (!pfd[k].revents || !drain(l->slots[i].fd, &l->slots[i].read))
                                continue;
                        pthread_mutex_lock(&l->lock);
                        close(l->slots[i].fd);
                        l->slots[i].fd = -1;
                        pthread_mutex_unlock(&l->lock);
                }
        }
}

struct http_linger *http_linger_new(void)
{
        struct http_linger *l = calloc(1, sizeof(*l));

        if (!l)
                return NULL;
        for (int i = 0; i < LINGER_MAX; i++)
                l->slots[i].fd = -1;
        pthread_mutex_init(&l->lock, NULL);
        /* Non-blocking: a full pipe already says "look again". */
        if (pipe2(l->wake, O_NONBLOCK | O_CLOEXEC) != 0) {
                pthread_mutex_destroy(&l->lock);
                free(l);
                return NULL;
        }
        if (pthread_create(&l->thread, NULL, linger_thread, l) != 0) {
                close(l->wake[0]);
                close(l->wake[1]);
                pthread_mutex_destroy(&l->lock);
                free(l);
                return NULL;
        }
        return l;
}

void http_linger_add(struct http_linger *l, int fd)
{
        int dup_fd;

        if (!l || fd < 0)
                return;
        pthread_mutex_lock(&l->lock);
        for (int i = 0; i < LINGER_MAX; i++) {
                if (l->slots[i].fd >= 0)
                        continue;
                dup_fd = l->stop ? -1 : fcntl(fd, F_DUPFD_CLOEXEC, 0);
                if (dup_fd < 0)
                        break;
                /* The answer is in the socket's send buffer: the FIN
                 * follows it, and the client's read ends after it. */
                (void)shutdown(dup_fd, SHUT_WR);
                l->slots[i].fd = dup_fd;
                l->slots[i].read = 0;
                clock_gettime(CLOCK_MONOTONIC, &l->slots[i].deadline);
                l->slots[i].deadline.tv_sec += LINGER_MS / 1000;
                l->slots[i].deadline.tv_nsec += (LINGER_MS % 1000) * 1000000L;
                if (l->slots[i].deadline.tv_nsec >= 1000000000L) {
                        l->slots[i].deadline.tv_sec++;
                        l->slots[i].deadline.tv_nsec -= 1000000000L;
                }
                (void)!write(l->wake[1], "", 1);
                break;
        }
        pthread_mutex_unlock(&l->lock);
}

void http_linger_free(struct http_linger *l)
{
        if (!l)
                return;
        pthread_mutex_lock(&l->lock);
        l->stop = true;
        pthread_mutex_unlock(&l->lock);
        (void)!write(l->wake[1], "", 1);
        pthread_join(l->thread, NULL);
        for (int i = 0; i < LINGER_MAX; i++)
                if (l->slots[i].fd >= 0)
                        close(l->slots[i].fd);
        close(l->wake[0]);
        close(l->wake[1]);
        pthread_mutex_destroy(&l->lock);
        free(l);
}
