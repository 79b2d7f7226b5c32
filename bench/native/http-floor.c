// The floor under any HTTP probe on this machine: what a fresh loopback connection, one GET and
// the response cost when nothing but C and the kernel is involved. COUNT targets (127.1.x.y:PORT,
// bench/native/http-target.c), each probed once per second, evenly spread, from one epoll loop:
// non-blocking connect, write the request, read the first response bytes, close.
//
//   http-floor COUNT PORT SECONDS     prints one line: probes/s, failures, user and sys µs per probe
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

static const char REQUEST[] =
    "GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: vpp-maglev/bench\r\nAccept: */*\r\nConnection: close\r\n\r\n";

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double cpu_us(long sec, long usec) { return (double)sec * 1e6 + (double)usec; }

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: http-floor COUNT PORT SECONDS\n");
    return 2;
  }
  int count = atoi(argv[1]), port = atoi(argv[2]);
  double seconds = atof(argv[3]);
  struct rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  int ep = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event events[256];
  char buf[4096];
  long ok = 0, failed = 0, started = 0;
  struct rusage r0, r1;
  getrusage(RUSAGE_SELF, &r0);
  double t0 = now();
  for (;;) {
    double t = now() - t0;
    if (t > seconds) break;
    // Start every probe whose planned time has come (probe k is planned at k/count seconds).
    for (long due = (long)(t * count); started < due; started++) {
      int i = (int)(started % count);
      int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
      a.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((unsigned)(i >> 8) << 8) | (unsigned)(i & 255));
      if (connect(s, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) {
        failed++;
        close(s);
        continue;
      }
      // Bit 0 of the epoll data: the request has been sent.
      struct epoll_event e = {.events = EPOLLOUT, .data.u64 = (unsigned long)s << 1};
      epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
    }
    int n = epoll_wait(ep, events, 256, 1);
    for (int k = 0; k < n; k++) {
      int s = (int)(events[k].data.u64 >> 1);
      if (!(events[k].data.u64 & 1)) {
        if (events[k].events & (EPOLLERR | EPOLLHUP) || write(s, REQUEST, sizeof REQUEST - 1) < 0) {
          failed++;
          close(s);
          continue;
        }
        struct epoll_event e = {.events = EPOLLIN, .data.u64 = ((unsigned long)s << 1) | 1};
        epoll_ctl(ep, EPOLL_CTL_MOD, s, &e);
        continue;
      }
      ssize_t r = read(s, buf, sizeof buf);
      if (r < 0 && errno == EAGAIN) continue;
      if (r > 12 && memcmp(buf + 9, "200", 3) == 0) ok++;
      else failed++;
      close(s);
    }
  }
  double elapsed = now() - t0;
  getrusage(RUSAGE_SELF, &r1);
  double user = cpu_us(r1.ru_utime.tv_sec, r1.ru_utime.tv_usec) - cpu_us(r0.ru_utime.tv_sec, r0.ru_utime.tv_usec);
  double sys = cpu_us(r1.ru_stime.tv_sec, r1.ru_stime.tv_usec) - cpu_us(r0.ru_stime.tv_sec, r0.ru_stime.tv_usec);
  long done = ok + failed;
  printf("probes/s %.0f failed %ld user-us/probe %.1f sys-us/probe %.1f cpu-of-one-core %.0f%%\n", (double)ok / elapsed,
         failed, done ? user / (double)done : 0.0, done ? sys / (double)done : 0.0, (user + sys) / 1e4 / elapsed);
  return 0;
}
