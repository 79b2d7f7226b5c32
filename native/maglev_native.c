/*
 * maglev_native: the few system calls Node cannot make for maglevd's probes.
 *
 * - openSocket: a TCP or ICMP ping socket (SOCK_DGRAM/IPPROTO_ICMP[V6]), optionally created
 *   inside a named network namespace and bound to a source address. It returns the fd, which
 *   node's net/dgram/tls then drive. A socket keeps the namespace it was created in, so the
 *   namespace is entered only for the socket() call: save own ns, setns(target), socket,
 *   setns(back), all inside one synchronous call on the calling thread (setns only affects the
 *   calling thread, and libuv's thread pool never sees the switch).
 * - readReplies: reads a ping socket's queued replies now, with kernel arrival times.
 * - readErrorQueue: drains MSG_ERRQUEUE of a ping socket (IP_RECVERR), which is how ICMP
 *   unreachables are attributed to the probe that caused them.
 * - procFile: reads or writes a /proc/sys/net file as seen from inside a namespace
 *   (/proc/sys/net follows the namespace of the thread that opens it).
 * - netnsInode: enters a namespace and comes back; proves the name and the privilege.
 * - releaseFreeMemory: hands the free memory of malloc's arena back to the kernel (malloc_trim).
 *
 * Errors are thrown as JS errors with `code` (errno name), `errno` and `syscall`.
 */
#include <node_api.h>

#include "probe_engine.h"
#include "stats_fd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <linux/errqueue.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define CHECK(call)                                                                      \
  do {                                                                                   \
    if ((call) != napi_ok) return NULL;                                                  \
  } while (0)

static napi_value throw_errno(napi_env env, int err, const char *syscall, const char *what) {
  char msg[512];
  const char *name = strerrorname_np(err);
  snprintf(msg, sizeof msg, "%s %s: %s", syscall, what, strerror(err));
  napi_value code, message, error, errno_v, syscall_v;
  CHECK(napi_create_string_utf8(env, name ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code));
  CHECK(napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message));
  CHECK(napi_create_error(env, code, message, &error));
  CHECK(napi_create_int32(env, err, &errno_v));
  CHECK(napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_v));
  CHECK(napi_set_named_property(env, error, "errno", errno_v));
  CHECK(napi_set_named_property(env, error, "syscall", syscall_v));
  napi_throw(env, error);
  return NULL;
}

/* Reads argument i as a string into buf; a JS null/undefined gives an empty string. */
static int get_string(napi_env env, napi_value v, char *buf, size_t len) {
  napi_valuetype t;
  size_t n;
  buf[0] = 0;
  if (napi_typeof(env, v, &t) != napi_ok) return -1;
  if (t == napi_null || t == napi_undefined) return 0;
  if (t != napi_string) return -1;
  if (napi_get_value_string_utf8(env, v, buf, len, &n) != napi_ok || n + 1 >= len) return -1;
  return 0;
}

/* The namespace switch. `target` < 0 means "stay in our own namespace". */
struct ns_switch {
  int self;
  int target;
  ino_t ino;
};

/* Enters netns `name` (empty: none). Returns 0 or an errno, with *syscall naming the step. */
static int ns_enter(const char *name, struct ns_switch *sw, const char **syscall) {
  char path[PATH_MAX];
  struct stat st;
  sw->self = sw->target = -1;
  sw->ino = 0;
  if (!name[0]) return 0;
  /* A plain file name only: no traversal out of the netns directories. */
  if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
    *syscall = "open";
    return EINVAL;
  }
  snprintf(path, sizeof path, "/run/netns/%s", name);
  sw->target = open(path, O_RDONLY | O_CLOEXEC);
  if (sw->target < 0 && errno == ENOENT) {
    snprintf(path, sizeof path, "/var/run/netns/%s", name);
    sw->target = open(path, O_RDONLY | O_CLOEXEC);
  }
  if (sw->target < 0) {
    *syscall = "open";
    return errno;
  }
  if (fstat(sw->target, &st) == 0) sw->ino = st.st_ino;
  sw->self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (sw->self < 0) {
    int err = errno;
    close(sw->target);
    *syscall = "open";
    return err;
  }
  if (setns(sw->target, CLONE_NEWNET) < 0) {
    int err = errno;
    close(sw->target);
    close(sw->self);
    *syscall = "setns";
    return err;
  }
  return 0;
}

static void ns_leave(struct ns_switch *sw) {
  if (sw->target < 0) return;
  /* Staying in the wrong namespace would silently misroute every later socket: die loudly. */
  if (setns(sw->self, CLONE_NEWNET) < 0) napi_fatal_error("maglev_native", NAPI_AUTO_LENGTH,
                                                          "cannot return to own netns", NAPI_AUTO_LENGTH);
  close(sw->target);
  close(sw->self);
}

/* "10.0.0.1", "2001:db8::1" or "fe80::1%eth0" → sockaddr; returns 0 or EINVAL. */
static int parse_addr(int family, const char *s, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (family == 4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    sin->sin_family = AF_INET;
    *len = sizeof *sin;
    return inet_pton(AF_INET, s, &sin->sin_addr) == 1 ? 0 : EINVAL;
  }
  struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
  char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  snprintf(host, sizeof host, "%s", s);
  char *pct = strchr(host, '%');
  if (pct) {
    *pct = 0;
    sin6->sin6_scope_id = if_nametoindex(pct + 1);
    if (!sin6->sin6_scope_id) return EINVAL;
  }
  sin6->sin6_family = AF_INET6;
  *len = sizeof *sin6;
  return inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1 ? 0 : EINVAL;
}

/* openSocket(family: 4|6, kind: 'tcp'|'icmp', netns: string|null, source: string|null) → {fd, netnsIno} */
static napi_value open_socket(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t family;
  char kind[8], netns[256], source[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 4 || napi_get_value_int32(env, argv[0], &family) != napi_ok || (family != 4 && family != 6) ||
      get_string(env, argv[1], kind, sizeof kind) || get_string(env, argv[2], netns, sizeof netns) ||
      get_string(env, argv[3], source, sizeof source))
    return throw_errno(env, EINVAL, "openSocket", "arguments");
  int icmp = !strcmp(kind, "icmp");
  if (!icmp && strcmp(kind, "tcp")) return throw_errno(env, EINVAL, "openSocket", kind);

  struct sockaddr_storage src;
  socklen_t srclen = 0;
  if (source[0] && parse_addr(family, source, &src, &srclen))
    return throw_errno(env, EINVAL, "bind", source);

  struct ns_switch sw;
  const char *syscall = "";
  int err = ns_enter(netns, &sw, &syscall);
  if (err) return throw_errno(env, err, syscall, netns);

  int af = family == 4 ? AF_INET : AF_INET6;
  int fd = icmp ? socket(af, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, family == 4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)
                : socket(af, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);
  err = fd < 0 ? errno : 0;
  ns_leave(&sw);
  if (err) return throw_errno(env, err, "socket", icmp ? "icmp" : "tcp");

  int one = 1;
  if (icmp) {
    /* ICMP errors about our echoes go to the error queue instead of being dropped. */
    if (family == 4 ? setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one)
                    : setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one, sizeof one)) {
      err = errno;
      close(fd);
      return throw_errno(env, err, "setsockopt", "IP_RECVERR");
    }
    /* One socket takes the replies of thousands of probes: room for bursts while the event loop
       is busy. SO_RCVBUFFORCE (CAP_NET_ADMIN) passes net.core.rmem_max; else the capped size. */
    /* Kernel receive timestamps: a reply read late (busy event loop) is judged by when it came. */
    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
    int rcvbuf = 4 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf))
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  } else if (source[0]) {
    /* Pick the port at connect(), so many probes from one source can share ports. */
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
  }
  if (source[0] && bind(fd, (struct sockaddr *)&src, srclen) < 0) {
    err = errno;
    close(fd);
    return throw_errno(env, err, "bind", source);
  }

  napi_value result, fd_v, ino_v;
  CHECK(napi_create_object(env, &result));
  CHECK(napi_create_int32(env, fd, &fd_v));
  CHECK(napi_create_double(env, (double)sw.ino, &ino_v));
  CHECK(napi_set_named_property(env, result, "fd", fd_v));
  CHECK(napi_set_named_property(env, result, "netnsIno", ino_v));
  return result;
}

static napi_value addr_string(napi_env env, const struct sockaddr *sa) {
  char buf[INET6_ADDRSTRLEN] = "";
  napi_value v;
  if (sa->sa_family == AF_INET)
    inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof buf);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof buf);
  if (!buf[0]) {
    napi_get_null(env, &v);
    return v;
  }
  napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &v);
  return v;
}

/*
 * readErrorQueue(fd) → [{errno, origin, type, code, dest, offender, data}]. `data` is what the
 * kernel kept of our original echo request (its ICMP header first: id and sequence), `dest` the
 * address that echo was sent to, `offender` the host that reported the error.
 */
static napi_value read_error_queue(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], list;
  int32_t fd;
  uint32_t n = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok)
    return throw_errno(env, EINVAL, "readErrorQueue", "arguments");
  CHECK(napi_create_array(env, &list));
  for (;;) {
    unsigned char data[576];
    union {
      char buf[512];
      struct cmsghdr align;
    } control;
    struct sockaddr_storage dest;
    struct iovec iov = {data, sizeof data};
    struct msghdr msg = {&dest, sizeof dest, &iov, 1, control.buf, sizeof control.buf, 0};
    memset(&dest, 0, sizeof dest);
    ssize_t len = recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
    if (len < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      if (errno == EINTR) continue;
      return throw_errno(env, errno, "recvmsg", "MSG_ERRQUEUE");
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (!((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
            (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR)))
        continue;
      struct sock_extended_err *ee = (struct sock_extended_err *)CMSG_DATA(c);
      const char *name = strerrorname_np((int)ee->ee_errno);
      napi_value item, v, buffer;
      void *copy;
      CHECK(napi_create_object(env, &item));
      CHECK(napi_create_string_utf8(env, name ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &v));
      CHECK(napi_set_named_property(env, item, "errno", v));
      CHECK(napi_create_uint32(env, ee->ee_origin, &v));
      CHECK(napi_set_named_property(env, item, "origin", v));
      CHECK(napi_create_uint32(env, ee->ee_type, &v));
      CHECK(napi_set_named_property(env, item, "type", v));
      CHECK(napi_create_uint32(env, ee->ee_code, &v));
      CHECK(napi_set_named_property(env, item, "code", v));
      CHECK(napi_set_named_property(env, item, "dest", addr_string(env, (struct sockaddr *)&dest)));
      CHECK(napi_set_named_property(env, item, "offender", addr_string(env, SO_EE_OFFENDER(ee))));
      CHECK(napi_create_buffer_copy(env, (size_t)len, data, &copy, &buffer));
      CHECK(napi_set_named_property(env, item, "data", buffer));
      CHECK(napi_set_element(env, list, n++, item));
    }
  }
  return list;
}

/*
 * readReplies(fd, max) → [{from, data, at}]: what is waiting in the socket's receive queue, read
 * now instead of on libuv's next poll. `at` is the kernel's arrival time (ms since the epoch).
 */
static napi_value read_replies(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], list;
  int32_t fd, max;
  uint32_t n = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_value_int32(env, argv[1], &max) != napi_ok)
    return throw_errno(env, EINVAL, "readReplies", "arguments");
  CHECK(napi_create_array(env, &list));
  while ((int32_t)n < max) {
    unsigned char data[576];
    union {
      char buf[256];
      struct cmsghdr align;
    } control;
    struct sockaddr_storage from;
    struct iovec iov = {data, sizeof data};
    struct msghdr msg = {&from, sizeof from, &iov, 1, control.buf, sizeof control.buf, 0};
    memset(&from, 0, sizeof from);
    ssize_t len = recvmsg(fd, &msg, MSG_DONTWAIT);
    if (len < 0) {
      if (errno == EINTR) continue;
      /* EAGAIN: drained. A pending socket error is left to the error-queue path. */
      break;
    }
    double at = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
        struct timespec ts;
        memcpy(&ts, CMSG_DATA(c), sizeof ts);
        at = (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
      }
    }
    napi_value item, v, buffer;
    void *copy;
    CHECK(napi_create_object(env, &item));
    CHECK(napi_set_named_property(env, item, "from", addr_string(env, (struct sockaddr *)&from)));
    CHECK(napi_create_buffer_copy(env, (size_t)len, data, &copy, &buffer));
    CHECK(napi_set_named_property(env, item, "data", buffer));
    CHECK(napi_create_double(env, at, &v));
    CHECK(napi_set_named_property(env, item, "at", v));
    CHECK(napi_set_element(env, list, n++, item));
  }
  return list;
}

/* procFile(netns: string|null, path: string, value: string|null) → contents (read) or value (write). */
static napi_value proc_file(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  char netns[256], path[PATH_MAX], value[256], buf[256];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 3 || get_string(env, argv[0], netns, sizeof netns) || get_string(env, argv[1], path, sizeof path) ||
      get_string(env, argv[2], value, sizeof value))
    return throw_errno(env, EINVAL, "procFile", "arguments");
  napi_valuetype vt;
  CHECK(napi_typeof(env, argv[2], &vt));
  int writing = vt == napi_string;
  if (strncmp(path, "/proc/sys/net/", 14) || strstr(path, "..")) return throw_errno(env, EINVAL, "open", path);

  struct ns_switch sw;
  const char *syscall = "";
  int err = ns_enter(netns, &sw, &syscall);
  if (err) return throw_errno(env, err, syscall, netns);
  int fd = open(path, (writing ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
  err = fd < 0 ? errno : 0;
  ns_leave(&sw);
  if (err) return throw_errno(env, err, "open", path);

  ssize_t n = writing ? write(fd, value, strlen(value)) : read(fd, buf, sizeof buf - 1);
  err = n < 0 ? errno : 0;
  close(fd);
  if (err) return throw_errno(env, err, writing ? "write" : "read", path);
  if (!writing) buf[n] = 0;
  CHECK(napi_create_string_utf8(env, writing ? value : buf, NAPI_AUTO_LENGTH, &result));
  return result;
}

/* netnsInode(name) → inode of the namespace, after proving we can enter it. */
static napi_value netns_inode(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  char netns[256];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || get_string(env, argv[0], netns, sizeof netns) || !netns[0])
    return throw_errno(env, EINVAL, "netnsInode", "arguments");
  struct ns_switch sw;
  const char *syscall = "";
  int err = ns_enter(netns, &sw, &syscall);
  if (err) return throw_errno(env, err, syscall, netns);
  ns_leave(&sw);
  CHECK(napi_create_double(env, (double)sw.ino, &result));
  return result;
}

/*
 * releaseFreeMemory() → whether any memory went back. glibc keeps what the process frees inside
 * its arena and gives back on its own only the heap's free top; malloc_trim(0) also releases the
 * free pages in the middle (madvise), so they leave the resident set until used again. Other C
 * libraries have no such call: there it does nothing and says false.
 */
static napi_value release_free_memory(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value result;
#ifdef __GLIBC__
  int released = malloc_trim(0);
#else
  int released = 0;
#endif
  CHECK(napi_get_boolean(env, released != 0, &result));
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"openSocket", NULL, open_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readErrorQueue", NULL, read_error_queue, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readReplies", NULL, read_replies, NULL, NULL, NULL, napi_enumerable, NULL},
      {"procFile", NULL, proc_file, NULL, NULL, NULL, napi_enumerable, NULL},
      {"netnsInode", NULL, netns_inode, NULL, NULL, NULL, napi_enumerable, NULL},
      {"releaseFreeMemory", NULL, release_free_memory, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  if (stats_fd_register(env, exports) != napi_ok) return NULL;
  if (probe_engine_register(env, exports) != napi_ok) return NULL;
  return exports;
}
