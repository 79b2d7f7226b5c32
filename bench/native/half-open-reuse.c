// What a half-open tcp check costs the checker's kernel with a fresh socket per probe, against
// one socket reused through connect(AF_UNSPEC) (native/probe_engine.c). Both do what a probe of
// the engine does on loopback, one probe at a time: non-blocking connect with the handshake's
// last ACK held back (TCP_QUICKACK 0), wait in epoll for the SYN-ACK, reset the connection; the
// fresh way then also makes the socket, registers it with epoll and closes it with a zero linger.
// The listener never accepts (half-open). Both ways leave the same counters (nstat: ActiveOpens,
// EstabResets, OutRsts and the listener's EmbryonicRsts, one each per probe).
//
//   cc -O2 -o half-open-reuse bench/native/half-open-reuse.c && ./half-open-reuse [PROBES] [ROUNDS]
//
// prints, per round and way, the user and system CPU µs per probe (the two ways alternate).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static void cpu(double *user, double *sys) {
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  *user = r.ru_utime.tv_sec * 1e6 + r.ru_utime.tv_usec;
  *sys = r.ru_stime.tv_sec * 1e6 + r.ru_stime.tv_usec;
}

static void fail(const char *what) {
  perror(what);
  exit(1);
}

/* One way, `probes` times; returns the probes that did not see exactly a clean connect. */
static int run(int reuse, int probes, const struct sockaddr_in *to, int ep) {
  int zero = 0, bad = 0, kept = -1;
  struct epoll_event ev = {EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.u64 = 1}}, got[4];
  if (reuse) {
    kept = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (kept < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, kept, &ev) < 0) fail("socket");
  }
  for (int k = 0; k < probes; k++) {
    int fd = reuse ? kept : socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) fail("socket");
    setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof zero);
    if (connect(fd, (const struct sockaddr *)to, sizeof *to) < 0 && errno != EINPROGRESS) fail("connect");
    if (!reuse && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) fail("epoll_ctl");
    int n = epoll_wait(ep, got, 4, 1000);
    if (n != 1 || !(got[0].events & EPOLLOUT) || (got[0].events & (EPOLLERR | EPOLLHUP))) bad++;
    if (reuse) {
      struct sockaddr unspec = {.sa_family = AF_UNSPEC};
      if (connect(fd, &unspec, sizeof unspec) < 0) fail("disconnect");
    } else {
      struct linger lg = {1, 0};
      setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      close(fd);
    }
  }
  if (kept >= 0) close(kept);
  return bad;
}

int main(int argc, char **argv) {
  int probes = argc > 1 ? atoi(argv[1]) : 20000, rounds = argc > 2 ? atoi(argv[2]) : 3, one = 1;
  struct sockaddr_in to = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  int l = socket(AF_INET, SOCK_STREAM, 0);
  setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  socklen_t len = sizeof to;
  if (bind(l, (struct sockaddr *)&to, sizeof to) < 0 || listen(l, 4096) < 0 ||
      getsockname(l, (struct sockaddr *)&to, &len) < 0)
    fail("listen");
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (int r = 1; r <= rounds; r++)
    for (int reuse = 0; reuse <= 1; reuse++) {
      double u0, s0, u1, s1;
      cpu(&u0, &s0);
      int bad = run(reuse, probes, &to, ep);
      cpu(&u1, &s1);
      printf("round %d  %-22s %6.2f µs per probe (user %5.2f, system %6.2f), %d not clean\n", r,
             reuse ? "socket reused:" : "fresh socket, closed:", (u1 - u0 + s1 - s0) / probes, (u1 - u0) / probes,
             (s1 - s0) / probes, bad);
    }
  return 0;
}
