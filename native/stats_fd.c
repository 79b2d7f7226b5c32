/*
 * stats_fd: the file-descriptor plumbing of VPP's stats segment, which Node cannot do itself.
 *
 * VPP's stats socket is a SOCK_SEQPACKET unix socket. On every accepted connection VPP sends one
 * empty message carrying the segment's memfd as SCM_RIGHTS ancillary data, then hangs up
 * (src/vlib/stats/init.c, stats_socket_accept_ready). Node has no SOCK_SEQPACKET, no ancillary
 * data and no memfd_create, so this file provides exactly those, and nothing about the segment's
 * layout (that is TypeScript, src/vpp/stats, reading the fd with pread through fs.readSync):
 *
 * - statsReceiveFd(path, timeoutMs) → Promise<fd>: maglevd's side. Connects, receives the fd and
 *   closes the socket. Runs on libuv's thread pool, because connect and recvmsg may block (up to
 *   the timeout) when VPP is busy or hung.
 * - statsMemfd(name) → fd: memfd_create, for vppsim's segment (sized and written with fs).
 * - statsServeFd(path, fd) → { close(), served() }: vppsim's side, the listener VPP runs: each
 *   connection gets the fd and is closed. Driven by a uv_poll on the event loop, so it costs no
 *   thread.
 *
 * Errors are JS errors with `code` (errno name), `errno` and `syscall`, as in maglev_native.c.
 */
#include "stats_fd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>
#include <uv.h>

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

#define RETURN_NULL_UNLESS_OK(call)                                                      \
  do {                                                                                   \
    if ((call) != napi_ok) return NULL;                                                  \
  } while (0)

/* An Error with code/errno/syscall, not thrown (a promise rejects with it). */
static napi_value errno_error(napi_env env, int err, const char *syscall, const char *what) {
  char msg[512];
  const char *name = strerrorname_np(err);
  snprintf(msg, sizeof msg, "%s %s: %s", syscall, what, strerror(err));
  napi_value code, message, error, errno_v, syscall_v;
  RETURN_NULL_UNLESS_OK(napi_create_string_utf8(env, name ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code));
  RETURN_NULL_UNLESS_OK(napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &message));
  RETURN_NULL_UNLESS_OK(napi_create_error(env, code, message, &error));
  RETURN_NULL_UNLESS_OK(napi_create_int32(env, err, &errno_v));
  RETURN_NULL_UNLESS_OK(napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &syscall_v));
  RETURN_NULL_UNLESS_OK(napi_set_named_property(env, error, "errno", errno_v));
  RETURN_NULL_UNLESS_OK(napi_set_named_property(env, error, "syscall", syscall_v));
  return error;
}

static napi_value throw_errno_error(napi_env env, int err, const char *syscall, const char *what) {
  napi_value error = errno_error(env, err, syscall, what);
  if (error) napi_throw(env, error);
  return NULL;
}

/* Reads a socket path argument; 0 or an errno (EINVAL: not a string, ENAMETOOLONG). */
static int get_socket_path(napi_env env, napi_value v, char *buf /* SUN_PATH_SIZE + 1 */) {
  size_t n;
  if (napi_get_value_string_utf8(env, v, buf, SUN_PATH_SIZE + 1, &n) != napi_ok || n == 0) return EINVAL;
  return n >= SUN_PATH_SIZE ? ENAMETOOLONG : 0;
}

static void fill_sockaddr(const char *path, struct sockaddr_un *un) {
  memset(un, 0, sizeof *un);
  un->sun_family = AF_UNIX;
  memcpy(un->sun_path, path, strlen(path));
}

/* ---- statsReceiveFd ------------------------------------------------------------------------ */

struct receive_work {
  napi_async_work work;
  napi_deferred deferred;
  char path[SUN_PATH_SIZE + 1];
  int timeout_ms;
  int fd;
  int err;
  const char *syscall;
};

/* On a pool thread: no N-API here. */
static void receive_execute(napi_env env, void *data) {
  struct receive_work *w = data;
  struct sockaddr_un un;
  w->fd = -1;
  fill_sockaddr(w->path, &un);
  int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (sock < 0) {
    w->err = errno;
    w->syscall = "socket";
    return;
  }
  /* SO_SNDTIMEO bounds a unix connect() that waits on a full backlog; SO_RCVTIMEO the recvmsg. */
  struct timeval tv = {.tv_sec = w->timeout_ms / 1000, .tv_usec = (w->timeout_ms % 1000) * 1000};
  setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (connect(sock, (struct sockaddr *)&un, sizeof un) < 0) {
    w->err = errno == EAGAIN ? ETIMEDOUT : errno;
    w->syscall = "connect";
    close(sock);
    return;
  }
  char byte;
  struct iovec iov = {.iov_base = &byte, .iov_len = 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {0};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.buf;
  msg.msg_controllen = sizeof u.buf;
  ssize_t n;
  do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    w->err = errno == EAGAIN || errno == EWOULDBLOCK ? ETIMEDOUT : errno;
    w->syscall = "recvmsg";
    close(sock);
    return;
  }
  close(sock);
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(sizeof(int)))
      continue;
    memcpy(&w->fd, CMSG_DATA(c), sizeof(int));
    break;
  }
  if (w->fd < 0) {
    /* The peer hung up without a descriptor: not a stats socket (or a VPP that failed to send). */
    w->err = EBADMSG;
    w->syscall = "recvmsg";
  }
}

static void receive_complete(napi_env env, napi_status status, void *data) {
  struct receive_work *w = data;
  napi_value result;
  if (status != napi_ok) {
    result = errno_error(env, ECANCELED, "statsReceiveFd", w->path);
    if (w->fd >= 0) close(w->fd);
    napi_reject_deferred(env, w->deferred, result);
  } else if (w->err) {
    result = errno_error(env, w->err, w->syscall, w->path);
    napi_reject_deferred(env, w->deferred, result);
  } else if (napi_create_int32(env, w->fd, &result) == napi_ok) {
    napi_resolve_deferred(env, w->deferred, result);
  } else {
    close(w->fd);
    napi_reject_deferred(env, w->deferred, errno_error(env, ENOMEM, "statsReceiveFd", w->path));
  }
  napi_delete_async_work(env, w->work);
  free(w);
}

/* statsReceiveFd(path: string, timeoutMs: number) → Promise<number> */
static napi_value receive_fd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], promise, name;
  RETURN_NULL_UNLESS_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  struct receive_work *w = calloc(1, sizeof *w);
  if (!w) return throw_errno_error(env, ENOMEM, "statsReceiveFd", "allocation");
  int err = argc < 2 ? EINVAL : get_socket_path(env, argv[0], w->path);
  if (!err && (napi_get_value_int32(env, argv[1], &w->timeout_ms) != napi_ok || w->timeout_ms <= 0)) err = EINVAL;
  if (err) {
    free(w);
    return throw_errno_error(env, err, "statsReceiveFd", "arguments");
  }
  if (napi_create_promise(env, &w->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "statsReceiveFd", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, receive_execute, receive_complete, w, &w->work) != napi_ok) {
    free(w);
    return NULL;
  }
  if (napi_queue_async_work(env, w->work) != napi_ok) {
    napi_delete_async_work(env, w->work);
    free(w);
    return NULL;
  }
  return promise;
}

/* ---- statsMemfd ---------------------------------------------------------------------------- */

/* statsMemfd(name: string) → fd of a new, empty memfd (close-on-exec). */
static napi_value memfd(napi_env env, napi_callback_info info) {
  size_t argc = 1, n;
  napi_value argv[1], result;
  char name[64];
  RETURN_NULL_UNLESS_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], name, sizeof name, &n) != napi_ok)
    return throw_errno_error(env, EINVAL, "statsMemfd", "arguments");
  int fd = memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return throw_errno_error(env, errno, "memfd_create", name);
  RETURN_NULL_UNLESS_OK(napi_create_int32(env, fd, &result));
  return result;
}

/* ---- statsServeFd -------------------------------------------------------------------------- */

/*
 * Lifetime: the JS object wraps the server. The poll handle closes on close() (or when the object
 * is collected, or the environment ends); the memory is freed once both the handle has closed and
 * the object is gone, whichever comes last.
 */
struct fd_server {
  uv_poll_t poll;
  napi_env env;
  int listen_fd;
  int served_fd;
  double served;
  int closing;
  int handle_closed;
  int object_gone;
};

static void server_on_readable(uv_poll_t *handle, int status, int events) {
  struct fd_server *s = handle->data;
  if (status < 0 || s->closing) return;
  for (;;) {
    int c = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (c < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return; /* EAGAIN: all accepted; anything else: try again on the next wake-up */
    }
    union {
      char buf[CMSG_SPACE(sizeof(int))];
      struct cmsghdr align;
    } u;
    memset(&u, 0, sizeof u);
    struct iovec iov = {.iov_base = NULL, .iov_len = 0};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &s->served_fd, sizeof(int));
    /* As VPP: one empty message with the descriptor, then hang up. */
    if (sendmsg(c, &msg, MSG_NOSIGNAL) >= 0) s->served++;
    close(c);
  }
}

static void server_handle_closed(uv_handle_t *handle) {
  struct fd_server *s = handle->data;
  /* Closed only now: libuv may still touch the descriptor until the handle is closed. */
  close(s->listen_fd);
  close(s->served_fd);
  s->handle_closed = 1;
  if (s->object_gone) free(s);
}

static void server_shutdown(struct fd_server *s) {
  if (s->closing) return;
  s->closing = 1;
  uv_poll_stop(&s->poll);
  uv_close((uv_handle_t *)&s->poll, server_handle_closed);
}

static void server_env_cleanup(void *data) {
  server_shutdown(data);
}

static void server_finalize(napi_env env, void *data, void *hint) {
  struct fd_server *s = data;
  s->object_gone = 1;
  if (!s->closing) {
    napi_remove_env_cleanup_hook(env, server_env_cleanup, s);
    server_shutdown(s);
  } else if (s->handle_closed) {
    free(s);
  }
}

static struct fd_server *server_of_this(napi_env env, napi_callback_info info) {
  napi_value self;
  void *data = NULL;
  if (napi_get_cb_info(env, info, NULL, NULL, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, &data) != napi_ok) return NULL;
  return data;
}

/* server.close(): stops listening (the caller removes the socket file). Idempotent. */
static napi_value server_close(napi_env env, napi_callback_info info) {
  struct fd_server *s = server_of_this(env, info);
  if (!s) return throw_errno_error(env, EINVAL, "close", "not a stats fd server");
  if (!s->closing) {
    napi_remove_env_cleanup_hook(env, server_env_cleanup, s);
    server_shutdown(s);
  }
  return NULL;
}

/* server.served(): how many clients were handed the descriptor. */
static napi_value server_served(napi_env env, napi_callback_info info) {
  struct fd_server *s = server_of_this(env, info);
  napi_value result;
  if (!s) return throw_errno_error(env, EINVAL, "served", "not a stats fd server");
  RETURN_NULL_UNLESS_OK(napi_create_double(env, s->served, &result));
  return result;
}

/* statsServeFd(path: string, fd: number) → { close(), served() } */
static napi_value serve_fd(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], object, fn;
  char path[SUN_PATH_SIZE + 1];
  int32_t fd;
  RETURN_NULL_UNLESS_OK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  int err = argc < 2 ? EINVAL : get_socket_path(env, argv[0], path);
  if (!err && (napi_get_value_int32(env, argv[1], &fd) != napi_ok || fd < 0)) err = EINVAL;
  if (err) return throw_errno_error(env, err, "statsServeFd", "arguments");

  uv_loop_t *loop;
  RETURN_NULL_UNLESS_OK(napi_get_uv_event_loop(env, &loop));
  struct sockaddr_un un;
  fill_sockaddr(path, &un);
  int listen_fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (listen_fd < 0) return throw_errno_error(env, errno, "socket", path);
  if (bind(listen_fd, (struct sockaddr *)&un, sizeof un) < 0 || listen(listen_fd, 64) < 0) {
    int e = errno;
    close(listen_fd);
    return throw_errno_error(env, e, "bind", path);
  }
  int served_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (served_fd < 0) {
    int e = errno;
    close(listen_fd);
    return throw_errno_error(env, e, "fcntl", "F_DUPFD_CLOEXEC");
  }
  struct fd_server *s = calloc(1, sizeof *s);
  if (!s) {
    close(listen_fd);
    close(served_fd);
    return throw_errno_error(env, ENOMEM, "statsServeFd", "allocation");
  }
  s->env = env;
  s->listen_fd = listen_fd;
  s->served_fd = served_fd;
  int uv_err = uv_poll_init(loop, &s->poll, listen_fd);
  if (uv_err == 0) {
    s->poll.data = s;
    uv_err = uv_poll_start(&s->poll, UV_READABLE, server_on_readable);
    if (uv_err != 0) {
      s->object_gone = 1; /* nothing wraps it yet: free on close */
      server_shutdown(s);
      return throw_errno_error(env, -uv_err, "uv_poll_start", path);
    }
  } else {
    close(listen_fd);
    close(served_fd);
    free(s);
    return throw_errno_error(env, -uv_err, "uv_poll_init", path);
  }

  if (napi_create_object(env, &object) != napi_ok ||
      napi_wrap(env, object, s, server_finalize, NULL, NULL) != napi_ok) {
    s->object_gone = 1;
    server_shutdown(s);
    return NULL;
  }
  napi_add_env_cleanup_hook(env, server_env_cleanup, s);
  RETURN_NULL_UNLESS_OK(napi_create_function(env, "close", NAPI_AUTO_LENGTH, server_close, NULL, &fn));
  RETURN_NULL_UNLESS_OK(napi_set_named_property(env, object, "close", fn));
  RETURN_NULL_UNLESS_OK(napi_create_function(env, "served", NAPI_AUTO_LENGTH, server_served, NULL, &fn));
  RETURN_NULL_UNLESS_OK(napi_set_named_property(env, object, "served", fn));
  return object;
}

napi_status stats_fd_register(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"statsReceiveFd", NULL, receive_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"statsMemfd", NULL, memfd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"statsServeFd", NULL, serve_fd, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
