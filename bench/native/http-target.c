// Benchmark target: COUNT loopback addresses (127.1.x.y, as bench/probes.ts numbers them), one
// port, each answering every connection with a fixed "200 ok" and closing it. In C with one
// epoll loop so the target costs the machine as little as possible: what the probe benchmark
// measures is maglevd, and on a small machine a Node target would take the CPU it needs.
//
//   http-target COUNT PORT     prints "ready COUNT" once every address listens
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>

static const char RESPONSE[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: http-target COUNT PORT\n");
    return 2;
  }
  int count = atoi(argv[1]), port = atoi(argv[2]);
  struct rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  int ep = epoll_create1(EPOLL_CLOEXEC);
  // Listening sockets are tagged with bit 32 set in the epoll data, connections are not.
  for (int i = 0; i < count; i++) {
    int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    a.sin_addr.s_addr = htonl((127u << 24) | (1u << 16) | ((unsigned)(i >> 8) << 8) | (unsigned)(i & 255));
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || listen(s, 512) < 0) {
      fprintf(stderr, "listen 127.1.%d.%d:%d: %s\n", i >> 8, i & 255, port, strerror(errno));
      return 1;
    }
    struct epoll_event e = {.events = EPOLLIN, .data.u64 = (1ull << 32) | (unsigned)s};
    epoll_ctl(ep, EPOLL_CTL_ADD, s, &e);
  }
  printf("ready %d\n", count);
  fflush(stdout);

  struct epoll_event events[512];
  char buf[4096];
  for (;;) {
    int n = epoll_wait(ep, events, 512, -1);
    for (int i = 0; i < n; i++) {
      int fd = (int)(events[i].data.u64 & 0xffffffffu);
      if (events[i].data.u64 >> 32) {
        int c;
        while ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
          struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP, .data.u64 = (unsigned)c};
          epoll_ctl(ep, EPOLL_CTL_ADD, c, &e);
        }
        continue;
      }
      // The first bytes of a request are the whole request (probes send one small GET).
      ssize_t r = read(fd, buf, sizeof buf);
      if (r < 0 && errno == EAGAIN) continue;
      if (r > 0 && write(fd, RESPONSE, sizeof RESPONSE - 1) < 0) { /* the probe gave up */ }
      close(fd);
    }
  }
}
