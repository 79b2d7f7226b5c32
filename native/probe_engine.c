/*
 * The probe engine (see probe_engine.h): one thread, one epoll set, one timer heap.
 *
 * JavaScript talks to the thread through two queues, each under one mutex: commands in (targets
 * set or dropped, probes scheduled, cancelled or expired), results out. The thread is woken by an
 * eventfd when commands arrive; JavaScript is woken by a threadsafe function when results are
 * waiting, at most once per batch window, so thousands of results a second cost the event loop
 * a few hundred wake-ups rather than one per probe.
 *
 * A slot is one target (a backend's address, port, request) with at most one probe pending or in
 * flight. A probe waits in the heap until it is due, then connects, writes the request (http),
 * reads until the final status line, and closes; its deadline sits in the same heap. Sockets that
 * are ready are always handled before deadlines are, and a probe whose deadline passes is given
 * one last look at its socket first: a busy engine must not turn a timely answer into a timeout.
 *
 * Probes that end their connection with a reset reuse their sockets: half-open tcp probes that
 * passed, and plain http probes with reset-close whose backend had closed its end (end_probe).
 * Such a probe is ended with connect(AF_UNSPEC) rather than close(): the kernel resets the
 * connection exactly as close() with a zero linger does (the same RST, the same counters), and
 * the socket, still registered with epoll, waits in a pool for the next probe. What that saves per
 * probe is a socket(), an epoll_ctl() and the socket's teardown in close(), about a third of the
 * engine's kernel time for such a check (bench/README.md, "tcp at HAProxy's cost"). Only sockets
 * in the state a fresh one has go back: a probe that never connected closes its socket, as does an
 * http probe whose backend had not closed its end (a timeout, a cancel, a backend slow to close),
 * and sockets bound to a source address or to an interface (IPv6 link-local targets) are never
 * pooled (the binding would stay). The events of a socket are therefore matched to its current
 * probe by descriptor (owner[]), not by a tag fixed at registration; epoll reports a socket's
 * state as it is when epoll_wait returns, so a reused socket never shows its previous probe's end.
 *
 * TLS probes (https, tcp with ssl) run the same way with an SSL over the connected socket: the
 * handshake is driven by the socket's readiness (SSL_connect's WANT_READ/WANT_WRITE), the
 * certificate is judged afterwards as Node judges it (tls_verified()), and each target keeps the
 * session of its last good probe (struct tls_target).
 *
 * Probes inside a network namespace: setns() is per thread, so the engine thread itself enters
 * the namespace to create the socket, and stays there while the targets it probes live there
 * (typically all of them: healthchecker.netns is global). Each probe still looks the name up (one
 * stat), so a namespace deleted, or re-created under the same name, is followed at once.
 */
#include "probe_engine.h"

#include "probe_head.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
/*
 * OpenSSL is node's own: its headers come with node's (node-gyp's include path puts them before
 * any system copy) and its symbols are node's, resolved when the addon is loaded. Nothing links
 * libssl, and no libssl-dev is needed to build.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

#define WAKE_TAG UINT64_MAX
#define READ_CHUNK 65536
#define MAX_EVENTS 256
#define MAX_STARTS_PER_TURN 200
/* Events handled between two looks at the timers in one turn (a power of two). */
#define TIMER_CHECK_EVERY 16
/* Idle sockets kept per namespace and family: more than are ever in flight at once in practice. */
#define POOL_MAX 1024

enum phase { PH_IDLE, PH_WAITING, PH_CONNECTING, PH_HANDSHAKE, PH_SENDING, PH_READING };

/*
 * A TLS target's state: its settings, the probe's SSL, and the session kept for the next probe.
 * Allocated apart from the slot so that OpenSSL's callbacks can point at it while the slots are
 * reallocated.
 *
 * Session reuse follows src/probe/tls-sessions.ts, the one description of the rule: a session is
 * kept only from a probe that passed (new_session() parks it, tls_settle() keeps it), every
 * failure forgets it, it is offered for at most session_max_age after the full handshake it
 * descends from (a renewed ticket from a resumption inherits that age), and a server that
 * declines it simply gets a full handshake. The engine keeps the SSL_SESSION itself, per target:
 * a run of the target is a worker's life, so a changed check or a gone backend forgets it.
 */
struct tls_target {
  SSL_CTX *ctx; /* one reference, per target */
  char *sni;    /* NULL: no SNI */
  char *verify_name; /* what the certificate must name: a host name or an IP address */
  int verify_is_ip;
  uint32_t status_min, status_max; /* https: the statuses that pass (a session is kept only then) */
  SSL *ssl;                        /* the probe's, while one runs */
  int settled, passed;             /* the probe's session fate is decided; whether it passed */
  uint64_t started_us;             /* when the probe's handshake started */
  SSL_SESSION *kept;               /* offered on the next handshake */
  uint64_t kept_verified_us;       /* when the full handshake it descends from started */
  SSL_SESSION *fresh;              /* given by the server during this probe, not kept yet */
};

/*
 * A target's or source's address: IPv4 or IPv6 and nothing else, so 28 bytes where a
 * sockaddr_storage takes 128. Every slot holds two (10 000 targets: 2 MB less).
 */
union inet_sockaddr {
  struct sockaddr sa;
  struct sockaddr_in in;
  struct sockaddr_in6 in6;
};

struct slot {
  /* The target, as JavaScript set it. */
  unsigned char used, kind, has_src;
  uint32_t flags, timeout_ms;
  int af;
  union inet_sockaddr addr, src;
  socklen_t addr_len, src_len;
  int netns; /* index into engine.netns, -1: the engine's own namespace */
  char *request;
  size_t request_len;
  /* The probe pending or in flight. */
  unsigned char phase, connected;
  unsigned char peer_closed; /* the backend's FIN has been seen during this probe (not its reset) */
  /*
   * Recurring targets: after each probe the next one is planned at once, `repeat_ms` after it
   * finished (the last delay JavaScript gave), so probing keeps its pace while the event loop is
   * busy. JavaScript's answer to each result then replaces that plan if it is still waiting.
   */
  unsigned char recurring;
  uint32_t repeat_ms;
  /* The probe a waiting one follows (its seq). */
  uint32_t after_seq;
  int fd;
  uint32_t token, seq;
  uint64_t planned_us, started_us, finished_us;
  int heap_at; /* -1: not in the heap */
  size_t sent;
  struct head_reader head;
  struct tls_target *tls; /* NULL: plain */
};

/* Disconnected sockets of probes that ended with a reset, still registered with epoll (see above). */
struct sock_pool {
  int *fds;
  size_t len, cap;
};

struct netns_entry {
  char name[256];
  int fd;
  ino_t ino;
  struct sock_pool pool[2]; /* [0] IPv4, [1] IPv6: sockets made in this namespace */
};

/* A target as JavaScript sends it, copied for the engine thread. */
struct target_spec {
  uint32_t token;
  unsigned char kind, has_src;
  uint32_t flags, timeout_ms;
  int af;
  union inet_sockaddr addr, src;
  socklen_t addr_len, src_len;
  char netns[256];
  char *request;
  size_t request_len;
  struct tls_target *tls;
};

enum cmd_kind { CMD_SET, CMD_DROP, CMD_SCHEDULE, CMD_CANCEL, CMD_EXPIRE, CMD_STOP };

struct cmd {
  int kind;
  uint32_t slot, token;
  int32_t delay_ms;
  /* The probe this schedule answers (its seq); -1: the run's first probe. */
  int64_t after_seq;
  struct target_spec *spec;
};

struct record {
  int32_t v[PE_RECORD_INTS];
  char *text;
  size_t text_len;
  uint64_t ended_us; /* when the probe ended: drain() turns it into the record's age */
};

struct records {
  struct record *items;
  size_t len, cap;
};

struct engine {
  /* Shared with JavaScript, under `lock`. */
  pthread_mutex_t lock;
  struct cmd *cmds;
  size_t ncmds, capcmds;
  struct records out;
  int notified;
  /*
   * When the thread will next wake of its own accord (UINT64_MAX: not before it is woken), 0
   * while it is awake. Commands that can wait until then do not wake it (push_cmds).
   */
  uint64_t sleep_until;
  int woken;
  /* Set up by JavaScript, read-only after. */
  napi_threadsafe_function tsfn;
  int epfd, evfd;
  uint64_t batch_us, window_us, session_max_age_us;
  /* The TLS contexts made by tlsContext(), JavaScript thread only; targets hold their own references. */
  SSL_CTX **tls_ctxs;
  size_t ntls_ctxs;
  pthread_t thread;
  int running, closed;
  napi_env env;
  /* Engine thread only. */
  /*
   * nslots: the slots set up so far, up to the highest one JavaScript named; the capacity beyond
   * them stays untouched, so the pages the doubling reserves are not resident until used.
   */
  struct slot *slots;
  size_t nslots, capslots;
  struct heap_entry *heap;
  size_t heap_len, heap_cap;
  struct netns_entry *netns;
  size_t nnetns;
  int own_ns, current_ns; /* current_ns: index into netns, -1 own, -2 unknown */
  struct sock_pool own_pool[2]; /* sockets made in the engine's own namespace */
  /* The slot whose probe a socket serves, by descriptor; -1: none (pooled or closed). */
  int32_t *owner;
  size_t nowner;
  struct records staged;
  uint64_t flush_due; /* 0: nothing staged */
  char *scratch;
};

static uint64_t mono_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void die(const char *why) { napi_fatal_error("maglev_native probe engine", NAPI_AUTO_LENGTH, why, NAPI_AUTO_LENGTH); }

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return p;
  size_t cap2 = *cap ? *cap : 64;
  while (cap2 < need) cap2 *= 2;
  void *q = realloc(p, cap2 * size);
  if (!q) die("out of memory");
  *cap = cap2;
  return q;
}

/* ---- the timer heap: slots ordered by when they are due -------------------------------------- */

/* The due time sits in the heap entry itself: sifting never touches the (large) slots. */
struct heap_entry {
  uint64_t due_us;
  uint32_t slot;
};

static void heap_place(struct engine *e, size_t at, struct heap_entry entry) {
  e->heap[at] = entry;
  e->slots[entry.slot].heap_at = (int)at;
}

static void heap_up(struct engine *e, size_t i) {
  struct heap_entry entry = e->heap[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (e->heap[parent].due_us <= entry.due_us) break;
    heap_place(e, i, e->heap[parent]);
    i = parent;
  }
  heap_place(e, i, entry);
}

static void heap_down(struct engine *e, size_t i) {
  struct heap_entry entry = e->heap[i];
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = l;
    if (l >= e->heap_len) break;
    if (r < e->heap_len && e->heap[r].due_us < e->heap[l].due_us) m = r;
    if (entry.due_us <= e->heap[m].due_us) break;
    heap_place(e, i, e->heap[m]);
    i = m;
  }
  heap_place(e, i, entry);
}

static void heap_push(struct engine *e, uint32_t i, uint64_t due) {
  e->heap = grow(e->heap, &e->heap_cap, e->heap_len + 1, sizeof *e->heap);
  e->heap[e->heap_len] = (struct heap_entry){due, i};
  heap_up(e, e->heap_len++);
}

static void heap_remove(struct engine *e, uint32_t i) {
  int at = e->slots[i].heap_at;
  if (at < 0) return;
  e->slots[i].heap_at = -1;
  size_t last = --e->heap_len;
  if ((size_t)at == last) return;
  e->heap[at] = e->heap[last];
  e->slots[e->heap[at].slot].heap_at = at;
  heap_down(e, (size_t)at);
  heap_up(e, (size_t)at);
}

/* ---- reused sockets --------------------------------------------------------------------------- */

static struct sock_pool *pool_of(struct engine *e, int netns, int af) {
  struct sock_pool *pools = netns < 0 ? e->own_pool : e->netns[netns].pool;
  return &pools[af == AF_INET6];
}

static void pool_close_all(struct sock_pool *p) {
  for (size_t k = 0; k < p->len; k++) close(p->fds[k]);
  p->len = 0;
}

static void pool_free(struct sock_pool *p) {
  pool_close_all(p);
  free(p->fds);
  p->fds = NULL;
  p->cap = 0;
}

/* Records that socket fd now serves slot i (-1: nobody). */
static void set_owner(struct engine *e, int fd, int32_t i) {
  if ((size_t)fd >= e->nowner) {
    size_t n = e->nowner ? e->nowner : 1024;
    while (n <= (size_t)fd) n *= 2;
    int32_t *grown = realloc(e->owner, n * sizeof *grown);
    if (!grown) die("out of memory");
    for (size_t k = e->nowner; k < n; k++) grown[k] = -1;
    e->owner = grown;
    e->nowner = n;
  }
  e->owner[fd] = i;
}

/*
 * Whether slot s's probes may end their connection with a reset: half-open tcp probes (the
 * handshake never completes) and plain http probes with reset-close (once the backend has closed
 * its end; see end_probe). Never over TLS, which says goodbye with close_notify.
 */
static int may_reset(const struct slot *s) {
  if (s->flags & PE_FLAG_TLS) return 0;
  return s->kind == PE_KIND_TCP ? !!(s->flags & PE_FLAG_HALF_OPEN) : !!(s->flags & PE_FLAG_RESET_CLOSE);
}

/*
 * Whether slot s may probe with, and give back, a reused socket: probes that end with a reset,
 * and only where nothing of a probe sticks to the socket after the disconnect. A bound source
 * address stays bound, and an IPv6 link-local target (a scope id) binds the socket to its
 * interface for good.
 */
static int reusable(const struct slot *s) {
  if (!may_reset(s) || s->has_src) return 0;
  return s->af != AF_INET6 || !s->addr.in6.sin6_scope_id;
}

/*
 * Ends a probe by resetting its connection with connect(AF_UNSPEC) and keeps the socket for the
 * next probe. 0 when the socket must be closed instead.
 */
static int pool_put(struct engine *e, struct slot *s) {
  struct sock_pool *p = pool_of(e, s->netns, s->af);
  if (p->len == POOL_MAX) return 0;
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  if (connect(s->fd, &unspec, sizeof unspec) < 0) return 0;
  p->fds = grow(p->fds, &p->cap, p->len + 1, sizeof *p->fds);
  p->fds[p->len++] = s->fd;
  return 1;
}

/* ---- network namespaces ---------------------------------------------------------------------- */

static int netns_index(struct engine *e, const char *name) {
  if (!name[0]) return -1;
  for (size_t i = 0; i < e->nnetns; i++)
    if (!strcmp(e->netns[i].name, name)) return (int)i;
  struct netns_entry *grown = realloc(e->netns, (e->nnetns + 1) * sizeof *grown);
  if (!grown) die("out of memory");
  e->netns = grown;
  struct netns_entry *n = &e->netns[e->nnetns];
  memset(n, 0, sizeof *n);
  snprintf(n->name, sizeof n->name, "%s", name);
  n->fd = -1;
  return (int)e->nnetns++;
}

/*
 * Follows /run/netns/NAME (or /var/run/netns/NAME) for a probe: one stat, and a new open only
 * when the name now holds another namespace, so a namespace deleted (or deleted and re-created)
 * is noticed by the very next probe, as when each socket opened the file itself. 0 or an errno.
 */
static int netns_refresh(struct engine *e, struct netns_entry *n) {
  char path[PATH_MAX];
  struct stat st;
  snprintf(path, sizeof path, "/run/netns/%s", n->name);
  int err = stat(path, &st) == 0 ? 0 : errno;
  if (err == ENOENT) {
    snprintf(path, sizeof path, "/var/run/netns/%s", n->name);
    err = stat(path, &st) == 0 ? 0 : errno;
  }
  if (!err && n->fd >= 0 && n->ino == st.st_ino) return 0;
  /* The namespace is gone or another one has the name: its sockets are of no use any more. */
  pool_close_all(&n->pool[0]);
  pool_close_all(&n->pool[1]);
  if (n->fd >= 0) close(n->fd);
  n->fd = -1;
  if (e->current_ns == n - e->netns) e->current_ns = -2;
  if (err) return err;
  n->fd = open(path, O_RDONLY | O_CLOEXEC);
  if (n->fd < 0) return errno;
  n->ino = fstat(n->fd, &st) == 0 ? st.st_ino : 0;
  return 0;
}

/* Puts the engine thread in namespace `want` (-1: its own). 0 or an errno with *step. */
static int netns_enter(struct engine *e, int want, int *step) {
  if (want >= 0) {
    int err = netns_refresh(e, &e->netns[want]);
    if (err) {
      *step = PE_STEP_OPEN;
      return err;
    }
  }
  if (e->current_ns == want) return 0;
  if (want < 0) {
    /* Staying in the wrong namespace would silently misroute every later probe: die loudly. */
    if (setns(e->own_ns, CLONE_NEWNET) < 0) die("cannot return to own netns");
  } else if (setns(e->netns[want].fd, CLONE_NEWNET) < 0) {
    *step = PE_STEP_SETNS;
    return errno;
  }
  e->current_ns = want;
  return 0;
}

/* ---- results ---------------------------------------------------------------------------------- */

static void stage(struct engine *e, struct slot *s, uint32_t i, int outcome, int value, int aux,
                  const char *text, size_t text_len, uint64_t now) {
  struct records *r = &e->staged;
  r->items = grow(r->items, &r->cap, r->len + 1, sizeof *r->items);
  struct record *rec = &r->items[r->len++];
  rec->v[0] = (int32_t)i;
  rec->v[1] = (int32_t)s->token;
  rec->v[2] = (int32_t)s->seq;
  rec->v[3] = outcome;
  rec->v[4] = value;
  rec->v[5] = aux;
  rec->v[6] = (int32_t)(now - s->started_us);
  rec->v[7] = (int32_t)(s->started_us > s->planned_us ? s->started_us - s->planned_us : 0);
  rec->v[8] = -1;
  rec->v[9] = 0;
  rec->ended_us = now;
  rec->text = NULL;
  rec->text_len = 0;
  if (text) {
    rec->text = malloc(text_len ? text_len : 1);
    if (!rec->text) die("out of memory");
    memcpy(rec->text, text, text_len);
    rec->text_len = text_len;
  }
  if (!e->flush_due) e->flush_due = now + e->batch_us;
}

/* Hands the staged results to JavaScript, waking it unless it already has a wake-up coming. */
static void flush(struct engine *e) {
  if (!e->staged.len) return;
  int wake = 0;
  pthread_mutex_lock(&e->lock);
  struct records *o = &e->out;
  o->items = grow(o->items, &o->cap, o->len + e->staged.len, sizeof *o->items);
  memcpy(o->items + o->len, e->staged.items, e->staged.len * sizeof *o->items);
  o->len += e->staged.len;
  if (!e->notified) e->notified = wake = 1;
  pthread_mutex_unlock(&e->lock);
  e->staged.len = 0;
  e->flush_due = 0;
  if (wake) napi_call_threadsafe_function(e->tsfn, NULL, napi_tsfn_nonblocking);
}

/* ---- TLS ------------------------------------------------------------------------------------- */

static void tls_target_free(struct tls_target *t) {
  if (!t) return;
  if (t->ssl) SSL_free(t->ssl);
  if (t->kept) SSL_SESSION_free(t->kept);
  if (t->fresh) SSL_SESSION_free(t->fresh);
  if (t->ctx) SSL_CTX_free(t->ctx);
  free(t->sni);
  free(t->verify_name);
  free(t);
}

/*
 * The server gave a session (TLS 1.2: during the handshake; TLS 1.3: a ticket after it, read with
 * the response). Parked until the probe's verdict; the last one given wins.
 */
static int new_session(SSL *ssl, SSL_SESSION *session) {
  struct tls_target *t = SSL_get_app_data(ssl);
  if (!t || !t->ssl) return 0;
  if (t->fresh) SSL_SESSION_free(t->fresh);
  t->fresh = session;
  return 1;
}

/* The probe's verdict is known: keep its session if it passed, forget every session if not. */
static void tls_settle(struct tls_target *t, int passed) {
  if (t->settled) return;
  t->settled = 1;
  t->passed = passed;
  if (!passed) {
    if (t->kept) SSL_SESSION_free(t->kept);
    t->kept = NULL;
  } else if (t->fresh) {
    /* A renewed ticket inherits the age of the session it renews; a full handshake starts anew. */
    int resumed = t->ssl && SSL_session_reused(t->ssl);
    uint64_t verified = resumed ? t->kept_verified_us : t->started_us;
    if (!resumed || t->kept) {
      if (t->kept) SSL_SESSION_free(t->kept);
      t->kept = t->fresh;
      t->kept_verified_us = verified;
      t->fresh = NULL;
    }
  }
  if (t->fresh) SSL_SESSION_free(t->fresh);
  t->fresh = NULL;
}

/*
 * Node's code for an OpenSSL error, as err.code of a TLS socket carries it: "ERR_SSL_" and the
 * reason in capitals with underscores ("ERR_SSL_WRONG_VERSION_NUMBER"). Errors of other libraries
 * than libssl (rare in a handshake) are named "ERR_OSSL_" and their reason.
 */
static size_t tls_code(unsigned long err, char *buf, size_t len) {
  const char *reason = ERR_reason_error_string(err);
  int n = snprintf(buf, len, "%s%s", ERR_GET_LIB(err) == ERR_LIB_SSL ? "ERR_SSL_" : "ERR_OSSL_",
                   reason ? reason : "UNKNOWN");
  size_t out = n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
  for (size_t k = 0; k < out; k++) buf[k] = buf[k] == ' ' ? '_' : (char)toupper((unsigned char)buf[k]);
  return out;
}

/* ---- probes ----------------------------------------------------------------------------------- */

/* Closes the probe's socket and takes it out of the heap; the slot goes idle. */
static void end_probe(struct engine *e, struct slot *s, uint32_t i) {
  heap_remove(e, i);
  struct tls_target *t = s->tls;
  if (t && t->ssl) {
    /* Cancelled: as a failure, the next handshake is a full one. */
    tls_settle(t, 0);
    /*
     * A probe that passed says goodbye (close_notify, as Node's destroySoon() flushes it), so the
     * server logs a clean close rather than a truncated session; one that failed just closes.
     */
    if (t->passed) SSL_shutdown(t->ssl);
    SSL_free(t->ssl);
    t->ssl = NULL;
  }
  if (s->fd >= 0) {
    set_owner(e, s->fd, -1);
    /*
     * A RST instead of a FIN: a half-open probe's handshake never completed (its last ACK is still
     * held back); a reset-close http probe's backend has closed its end already, so its
     * application is done with the connection and only its kernel sees the reset, which spares it
     * the FIN's round trip and a TIME_WAIT. A backend that has not closed yet may still be
     * writing (a body after the head): it gets a FIN, as a reset could show in its logs.
     */
    int reset = s->connected && may_reset(s) && (s->kind == PE_KIND_TCP || s->peer_closed);
    if (!(reset && reusable(s) && pool_put(e, s))) {
      if (reset) {
        struct linger lg = {1, 0};
        setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
      }
      close(s->fd);
    }
    s->fd = -1;
  }
  s->phase = PH_IDLE;
  s->connected = 0;
}

/*
 * Plans slot i's next probe `delay_ms` after `base`. Probes due within one start window start
 * together at its beginning, so the thread wakes once per window rather than once per probe: a
 * probe may so start early (never late) by less than the window, and by at most a twentieth of
 * its delay.
 */
static void plan(struct engine *e, uint32_t i, uint64_t base, uint32_t delay_ms, uint32_t after_seq,
                 uint64_t now) {
  struct slot *s = &e->slots[i];
  uint64_t delay = (uint64_t)delay_ms * 1000u;
  heap_remove(e, i);
  s->planned_us = base + delay;
  s->after_seq = after_seq;
  uint64_t window = e->window_us < delay / 20 ? e->window_us : delay / 20;
  uint64_t due = window ? s->planned_us - s->planned_us % window : s->planned_us;
  s->phase = PH_WAITING;
  heap_push(e, i, due > now ? due : now);
}

static void finish(struct engine *e, uint32_t i, int outcome, int value, int aux, const char *text,
                   size_t text_len, uint64_t now) {
  struct slot *s = &e->slots[i];
  s->finished_us = now;
  if (s->tls) {
    int passed = outcome == PE_SECURED || (outcome == PE_STATUS && (uint32_t)value >= s->tls->status_min &&
                                           (uint32_t)value <= s->tls->status_max);
    if (s->tls->ssl) tls_settle(s->tls, passed);
    else if (s->tls->kept) {
      /* Failed before TLS began (refused, timed out, no socket): any failure forgets the session. */
      SSL_SESSION_free(s->tls->kept);
      s->tls->kept = NULL;
    }
  }
  stage(e, s, i, outcome, value, aux, text, text_len, now);
  end_probe(e, s, i);
  if (s->recurring) plan(e, i, now, s->repeat_ms, s->seq, now);
}

static int socket_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0) return errno;
  return err;
}

/*
 * The head parser takes the n bytes just read into the scratch buffer; returns 1 when they decide
 * the probe (a status, a bad status line, a head too large), which is then finished.
 */
static int head_took(struct engine *e, uint32_t i, size_t n, uint64_t now) {
  struct slot *s = &e->slots[i];
  switch (head_push(&s->head, e->scratch, n)) {
    case HEAD_MORE:
      return 0;
    case HEAD_STATUS:
      finish(e, i, PE_STATUS, s->head.status, 0, NULL, 0, now);
      return 1;
    case HEAD_BAD_STATUS_LINE:
      finish(e, i, PE_BAD_STATUS_LINE, 0, 0, s->head.bad_line, s->head.bad_len, now);
      return 1;
    case HEAD_TOO_LARGE:
      finish(e, i, PE_HEAD_TOO_LARGE, 0, 0, NULL, 0, now);
      return 1;
  }
  return 0;
}

/* The stream ended before a status line did: a truncated head, or no answer at all. */
static void head_cut(struct engine *e, uint32_t i, uint64_t now) {
  size_t pending = head_pending(&e->slots[i].head);
  if (pending) finish(e, i, PE_TRUNCATED_HEAD, (int)pending, 0, NULL, 0, now);
  else finish(e, i, PE_EMPTY_RESPONSE, 0, 0, NULL, 0, now);
}

/*
 * Reads what the socket has; returns 1 when the probe finished. A short read on a socket that
 * reported a hang-up (EPOLLHUP: the peer reset or closed both ways) is the end of the stream, as
 * libuv has it, so a reset right behind the data reads as the close it is for Node's sockets.
 */
static int read_head(struct engine *e, uint32_t i, uint32_t events, uint64_t now) {
  struct slot *s = &e->slots[i];
  for (;;) {
    ssize_t n = recv(s->fd, e->scratch, READ_CHUNK, 0);
    if (n > 0) {
      if (head_took(e, i, (size_t)n, now)) return 1;
      if (!(events & EPOLLHUP) || n == READ_CHUNK) continue;
      n = 0;
    } else if (n == 0)
      s->peer_closed = 1; /* the backend's FIN, which may have come after epoll's report */
    if (n == 0) {
      head_cut(e, i, now);
      return 1;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    /* A connection the backend reset is gone already: close() sends nothing, and keeps nothing. */
    s->peer_closed = 0;
    finish(e, i, PE_RESPONSE_ERROR, errno, 0, NULL, 0, now);
    return 1;
  }
}

/*
 * A TLS call (SSL_connect, SSL_write, SSL_read) returned r <= 0. Returns 0 when it only has to
 * wait for the socket; otherwise finishes the probe with `outcome` as Node would name the error:
 * Node's code of an OpenSSL error, the errno of a failed socket, and a close by the peer as
 * ECONNRESET in the handshake (Node: "socket disconnected before secure TLS connection was
 * established") or as the end of the stream after it.
 */
static int tls_failed(struct engine *e, uint32_t i, int r, int outcome, uint64_t now) {
  struct slot *s = &e->slots[i];
  int errno_ = errno;
  int err = SSL_get_error(s->tls->ssl, r);
  if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return 0;
  unsigned long ossl = err == SSL_ERROR_SSL ? ERR_peek_last_error() : 0;
  ERR_clear_error();
  if (ossl) {
    char code[160];
    size_t n = tls_code(ossl, code, sizeof code);
    finish(e, i, outcome, 0, 0, code, n, now);
  } else if (err == SSL_ERROR_SYSCALL && errno_ && errno_ != EAGAIN)
    finish(e, i, outcome, errno_, 0, NULL, 0, now);
  else if (outcome == PE_TLS_ERROR)
    finish(e, i, outcome, ECONNRESET, 0, NULL, 0, now);
  else
    return -1; /* the end of the stream: the caller judges what it has */
  return 1;
}

/* The connection is up: TLS starts over it, as the JavaScript probe's startTls() does. */
static int tls_begin(struct engine *e, uint32_t i, uint64_t now) {
  struct slot *s = &e->slots[i];
  struct tls_target *t = s->tls;
  t->ssl = SSL_new(t->ctx);
  if (!t->ssl || !SSL_set_fd(t->ssl, s->fd)) {
    ERR_clear_error();
    finish(e, i, PE_TLS_ERROR, ENOMEM, 0, NULL, 0, now);
    return 1;
  }
  t->settled = t->passed = 0;
  t->started_us = now;
  SSL_set_app_data(t->ssl, t);
  if (t->sni) SSL_set_tlsext_host_name(t->ssl, t->sni);
  if (t->kept && (s->flags & PE_FLAG_TLS_REUSE)) {
    if (now - t->kept_verified_us < e->session_max_age_us) {
      /*
       * A copy is offered: OpenSSL marks a TLS 1.3 session it has resumed as used up, and the
       * server's renewed ticket often arrives after the response, which the probe does not
       * read. The kept session stays offerable; servers take a ticket again until it expires
       * (as HAProxy's checks, which decode their stored session afresh for every check).
       */
      SSL_SESSION *copy = SSL_SESSION_dup(t->kept);
      if (copy) {
        SSL_set_session(t->ssl, copy);
        SSL_SESSION_free(copy);
      }
    } else {
      SSL_SESSION_free(t->kept);
      t->kept = NULL;
    }
  }
  s->phase = PH_HANDSHAKE;
  return 0;
}

/*
 * The handshake is done: judge the certificate as Node does when rejectUnauthorized is set, the
 * chain first (OpenSSL's verify result, which a resumed session carries from its full handshake)
 * and then the name (checkServerIdentity: DNS names or else the CN for a host name, IP SANs only
 * for an address; a wildcard covers one whole leftmost label or, as in Node, a part of it:
 * "b*.example.com"). The name is checked here rather than by OpenSSL's
 * verification, which would report a wrong name before an expired certificate.
 */
static int tls_verified(struct engine *e, uint32_t i, uint64_t now) {
  struct slot *s = &e->slots[i];
  struct tls_target *t = s->tls;
  if (!(s->flags & PE_FLAG_TLS_VERIFY)) return 1;
  long result = SSL_get_verify_result(t->ssl);
  X509 *peer = SSL_get0_peer_certificate(t->ssl);
  if (result == X509_V_OK && !peer) result = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT;
  if (result != X509_V_OK) {
    finish(e, i, PE_CERT_REJECTED, (int)result, 0, NULL, 0, now);
    return 0;
  }
  int named = t->verify_is_ip
                  ? X509_check_ip_asc(peer, t->verify_name, 0)
                  : X509_check_host(peer, t->verify_name, 0, 0, NULL);
  if (named != 1) {
    finish(e, i, PE_CERT_REJECTED, -1, 0, NULL, 0, now);
    return 0;
  }
  return 1;
}

/* Reads the response's head over TLS; as read_head(). */
static int tls_read_head(struct engine *e, uint32_t i, uint64_t now) {
  struct slot *s = &e->slots[i];
  for (;;) {
    ERR_clear_error();
    int n = SSL_read(s->tls->ssl, e->scratch, READ_CHUNK);
    if (n > 0) {
      if (head_took(e, i, (size_t)n, now)) return 1;
      continue;
    }
    int failed = tls_failed(e, i, n, PE_RESPONSE_ERROR, now);
    if (failed >= 0) return failed;
    head_cut(e, i, now);
    return 1;
  }
}

/* Moves probe i on as far as its socket allows; `events` is what epoll (or poll) reported. */
static void advance(struct engine *e, uint32_t i, uint32_t events, uint64_t now) {
  struct slot *s = &e->slots[i];
  if (events & EPOLLRDHUP) s->peer_closed = 1;
  if (s->phase == PH_CONNECTING) {
    if (events & (EPOLLERR | EPOLLHUP)) {
      int err = socket_error(s->fd);
      if (err) return finish(e, i, PE_CONNECT_ERROR, err, 0, NULL, 0, now);
    }
    if (!(events & (EPOLLOUT | EPOLLHUP))) return;
    s->connected = 1;
    if (s->tls) {
      if (tls_begin(e, i, now)) return;
    } else if (s->kind == PE_KIND_TCP)
      return finish(e, i, PE_CONNECTED, 0, 0, NULL, 0, now);
    else
      s->phase = PH_SENDING;
  }
  if (s->phase == PH_HANDSHAKE) {
    ERR_clear_error();
    int r = SSL_connect(s->tls->ssl);
    if (r <= 0) {
      tls_failed(e, i, r, PE_TLS_ERROR, now);
      return;
    }
    if (!tls_verified(e, i, now)) return;
    if (s->kind == PE_KIND_TCP) {
      const char *version = SSL_get_version(s->tls->ssl);
      return finish(e, i, PE_SECURED, 0, 0, version, strlen(version), now);
    }
    s->phase = PH_SENDING;
  }
  if (s->phase == PH_SENDING && s->tls) {
    while (s->sent < s->request_len) {
      ERR_clear_error();
      int n = SSL_write(s->tls->ssl, s->request + s->sent, (int)(s->request_len - s->sent));
      if (n > 0) {
        s->sent += (size_t)n;
        continue;
      }
      if (tls_failed(e, i, n, PE_RESPONSE_ERROR, now) < 0) finish(e, i, PE_EMPTY_RESPONSE, 0, 0, NULL, 0, now);
      return;
    }
    /* Whatever arrived with the handshake's end raised no edge of its own: read at once. */
    s->phase = PH_READING;
    tls_read_head(e, i, now);
    return;
  }
  if (s->phase == PH_READING && s->tls) {
    tls_read_head(e, i, now);
    return;
  }
  if (s->phase == PH_SENDING) {
    while (s->sent < s->request_len) {
      ssize_t n = send(s->fd, s->request + s->sent, s->request_len - s->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        s->sent += (size_t)n;
        continue;
      }
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      return finish(e, i, PE_RESPONSE_ERROR, errno, 0, NULL, 0, now);
    }
    s->phase = PH_READING;
    /* Edge-triggered: an answer arriving from now on raises EPOLLIN, so only read when one is there. */
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
  }
  if (s->phase == PH_READING) read_head(e, i, events, now);
}

static void start_probe(struct engine *e, uint32_t i, uint64_t now) {
  struct slot *s = &e->slots[i];
  s->started_us = now;
  s->seq++;
  s->sent = 0;
  s->connected = 0;
  s->peer_closed = 0;
  head_reset(&s->head);
  int step = 0;
  int err = netns_enter(e, s->netns, &step);
  if (err) return finish(e, i, PE_SETUP_ERROR, err, step, NULL, 0, now);
  struct sock_pool *pool = reusable(s) ? pool_of(e, s->netns, s->af) : NULL;
  int fresh = !pool || !pool->len;
  int fd = fresh ? socket(s->af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP) : pool->fds[--pool->len];
  if (fd < 0) return finish(e, i, PE_SETUP_ERROR, errno, PE_STEP_SOCKET, NULL, 0, now);
  s->fd = fd;
  set_owner(e, fd, (int32_t)i);
  int one = 1, zero = 0;
  if (s->has_src) {
    /* Pick the port at connect(), so many probes from one source can share ports. */
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
    if (bind(fd, &s->src.sa, s->src_len) < 0)
      return finish(e, i, PE_SETUP_ERROR, errno, PE_STEP_BIND, NULL, 0, now);
  }
  /*
   * The kernel holds back the handshake's last ACK: an http request carries it (one packet less
   * for both ends, as HAProxy's checks do), and a half-open probe's RST at close goes out instead.
   * (A reused socket needs it again: the disconnect reset it.)
   */
  setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &zero, sizeof zero);
  /* Failed in the system call itself (no route from here, no port left): nothing reached the wire. */
  if (connect(fd, &s->addr.sa, s->addr_len) < 0 && errno != EINPROGRESS)
    return finish(e, i, PE_CONNECT_CALL_ERROR, errno, 0, NULL, 0, now);
  s->phase = PH_CONNECTING;
  struct epoll_event ev = {EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, {.u64 = (uint64_t)fd}};
  if (fresh && epoll_ctl(e->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
    return finish(e, i, PE_SETUP_ERROR, errno, PE_STEP_SOCKET, NULL, 0, now);
  if (s->timeout_ms) heap_push(e, i, now + (uint64_t)s->timeout_ms * 1000u);
}

/*
 * The deadline passed. The answer may already be waiting in the socket (the engine was busy, or
 * epoll returned other sockets first), so look once more before calling it a timeout.
 */
static void deadline_passed(struct engine *e, uint32_t i, uint64_t now) {
  struct slot *s = &e->slots[i];
  uint32_t seq = s->seq;
  struct pollfd p = {s->fd, POLLIN | POLLOUT, 0};
  if (poll(&p, 1, 0) > 0) {
    uint32_t events = 0;
    if (p.revents & POLLIN) events |= EPOLLIN;
    if (p.revents & POLLOUT) events |= EPOLLOUT;
    if (p.revents & POLLERR) events |= EPOLLERR;
    if (p.revents & POLLHUP) events |= EPOLLHUP;
    advance(e, i, events, now);
  }
  if (s->seq != seq || s->phase < PH_CONNECTING) return;
  int outcome = s->phase == PH_CONNECTING ? PE_CONNECT_TIMEOUT
                : s->phase == PH_HANDSHAKE  ? PE_TLS_TIMEOUT
                                            : PE_RESPONSE_TIMEOUT;
  finish(e, i, outcome, 0, 0, NULL, 0, now);
}

/*
 * Runs the timers that are due, starting at most MAX_STARTS_PER_TURN probes; the rest wait for
 * the next turn, which comes at once (epoll_wait with no wait) after the sockets that are ready
 * have been handled. A thread that falls behind (a starved CPU, a burst after a pause) would
 * otherwise start every overdue probe in one go, and the deadlines of the first would pass while
 * it still connected the last: probes would fail because the checker was slow, not the
 * backend. Capped, an overloaded engine starts its probes late instead (the schedule lag shows
 * it), as HAProxy's checks do (its run queue takes at most tune.runqueue-depth, 200, tasks per
 * turn of its poller).
 */
static void run_timers(struct engine *e, uint64_t now) {
  unsigned started = 0;
  while (e->heap_len && e->heap[0].due_us <= now) {
    uint32_t i = e->heap[0].slot;
    struct slot *s = &e->slots[i];
    if (s->phase == PH_WAITING && started == MAX_STARTS_PER_TURN) break;
    heap_remove(e, i);
    if (s->phase == PH_WAITING) {
      start_probe(e, i, now);
      started++;
    } else if (s->phase >= PH_CONNECTING)
      deadline_passed(e, i, now);
  }
}

/* ---- commands --------------------------------------------------------------------------------- */

static struct slot *slot_at(struct engine *e, uint32_t i) {
  if (i >= e->nslots) {
    if (i >= e->capslots) {
      size_t n = e->capslots ? e->capslots : 64;
      while (n <= i) n *= 2;
      struct slot *grown = realloc(e->slots, n * sizeof *grown);
      if (!grown) die("out of memory");
      e->slots = grown;
      e->capslots = n;
    }
    memset(e->slots + e->nslots, 0, (i + 1 - e->nslots) * sizeof *e->slots);
    for (size_t k = e->nslots; k <= i; k++) {
      e->slots[k].fd = -1;
      e->slots[k].heap_at = -1;
    }
    e->nslots = (size_t)i + 1;
  }
  return &e->slots[i];
}

static void drop_target(struct engine *e, uint32_t i) {
  struct slot *s = slot_at(e, i);
  end_probe(e, s, i);
  free(s->request);
  s->request = NULL;
  tls_target_free(s->tls);
  s->tls = NULL;
  s->used = 0;
  s->recurring = 0;
}

static void apply(struct engine *e, struct cmd *c, uint64_t now) {
  struct slot *s = slot_at(e, c->slot);
  switch (c->kind) {
    case CMD_SET: {
      struct target_spec *t = c->spec;
      drop_target(e, c->slot);
      s->used = 1;
      s->kind = t->kind;
      s->has_src = t->has_src;
      s->flags = t->flags;
      s->timeout_ms = t->timeout_ms;
      s->af = t->af;
      s->addr = t->addr;
      s->addr_len = t->addr_len;
      s->src = t->src;
      s->src_len = t->src_len;
      s->netns = netns_index(e, t->netns);
      s->request = t->request;
      s->request_len = t->request_len;
      s->tls = t->tls;
      s->token = t->token;
      s->recurring = 0;
      s->repeat_ms = 0;
      s->finished_us = 0;
      free(t);
      c->spec = NULL;
      break;
    }
    case CMD_DROP:
      drop_target(e, c->slot);
      break;
    case CMD_CANCEL:
      end_probe(e, s, c->slot);
      break;
    case CMD_SCHEDULE: {
      if (!s->used || s->token != c->token) break;
      uint32_t delay_ms = c->delay_ms > 0 ? (uint32_t)c->delay_ms : 0;
      if (c->after_seq < 0) {
        /* The run's first probe. */
        end_probe(e, s, c->slot);
        plan(e, c->slot, now, delay_ms, s->seq, now);
        break;
      }
      /* An answer to a result: from now on the pace, and the next probe if it has not started. */
      s->recurring = 1;
      s->repeat_ms = delay_ms;
      uint32_t after = (uint32_t)c->after_seq;
      if ((s->phase == PH_WAITING && s->after_seq == after) || (s->phase == PH_IDLE && s->seq == after))
        plan(e, c->slot, s->finished_us, delay_ms, after, now);
      break;
    }
    case CMD_EXPIRE:
      if (s->phase >= PH_CONNECTING && s->token == c->token) deadline_passed(e, c->slot, now);
      break;
  }
}

/* Takes and applies every queued command; returns 1 when told to stop. */
static int take_commands(struct engine *e, uint64_t now) {
  pthread_mutex_lock(&e->lock);
  struct cmd *cmds = e->cmds;
  size_t n = e->ncmds, cap = e->capcmds;
  e->cmds = NULL;
  e->ncmds = e->capcmds = 0;
  pthread_mutex_unlock(&e->lock);
  int stop = 0;
  for (size_t k = 0; k < n; k++) {
    if (cmds[k].kind == CMD_STOP) stop = 1;
    else if (!stop) apply(e, &cmds[k], now);
    if (cmds[k].spec) {
      free(cmds[k].spec->request);
      tls_target_free(cmds[k].spec->tls);
      free(cmds[k].spec);
    }
  }
  (void)cap;
  free(cmds);
  return stop;
}

/* ---- the thread ------------------------------------------------------------------------------- */

/* When the thread must wake next: the first timer or the results' flush; UINT64_MAX for none. */
static uint64_t next_due(struct engine *e) {
  uint64_t due = e->heap_len ? e->heap[0].due_us : UINT64_MAX;
  if (e->flush_due && e->flush_due < due) due = e->flush_due;
  return due;
}

static int timeout_ms(uint64_t due, uint64_t now) {
  if (due == UINT64_MAX) return -1;
  if (due <= now) return 0;
  uint64_t ms = (due - now + 999) / 1000;
  return ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * Takes the commands, then says until when it will sleep, unless more commands came meanwhile:
 * those are taken first. Returns the epoll timeout, or -2 when told to stop.
 */
static int prepare_sleep(struct engine *e) {
  for (;;) {
    uint64_t now = mono_us();
    if (take_commands(e, now)) return -2;
    uint64_t due = next_due(e);
    pthread_mutex_lock(&e->lock);
    int more = e->ncmds > 0;
    if (!more) e->sleep_until = due;
    pthread_mutex_unlock(&e->lock);
    if (!more) return timeout_ms(due, now);
  }
}

static void *engine_main(void *arg) {
  struct engine *e = arg;
  /* Named for top -H and /proc/PID/task: the probes' CPU shows apart from the event loop's. */
  pthread_setname_np(pthread_self(), "maglev-probes");
  struct epoll_event events[MAX_EVENTS];
  for (;;) {
    int timeout = prepare_sleep(e);
    if (timeout == -2) break;
    int n = epoll_wait(e->epfd, events, MAX_EVENTS, timeout);
    if (n < 0 && errno != EINTR) die("epoll_wait");
    pthread_mutex_lock(&e->lock);
    e->sleep_until = 0;
    int woken = e->woken;
    e->woken = 0;
    pthread_mutex_unlock(&e->lock);
    if (woken) {
      uint64_t count;
      if (read(e->evfd, &count, sizeof count) < 0 && errno != EAGAIN) die("eventfd read");
    }
    uint64_t woke = mono_us(), now = woke;
    for (int k = 0; k < n; k++) {
      uint64_t tag = events[k].data.u64;
      if (tag == WAKE_TAG) continue;
      /*
       * A socket that serves no probe (pooled, its probe cancelled or judged since) is stale; so
       * is one whose probe started after this turn woke: its fd number came back from a socket
       * closed meanwhile, and the event was the old socket's.
       */
      int fd = (int)tag;
      int32_t i = (size_t)fd < e->nowner ? e->owner[fd] : -1;
      if (i >= 0 && e->slots[i].fd == fd && e->slots[i].phase >= PH_CONNECTING && e->slots[i].started_us <= woke)
        advance(e, (uint32_t)i, events[k].events, now);
      /*
       * A busy turn (hundreds of sockets ready) must not hold back the probes falling due while
       * it runs: they start between its events, or each would be late by the rest of the turn.
       */
      if ((k & (TIMER_CHECK_EVERY - 1)) == TIMER_CHECK_EVERY - 1) {
        now = mono_us();
        run_timers(e, now);
      }
    }
    now = mono_us();
    run_timers(e, now);
    if (e->flush_due && e->flush_due <= mono_us()) flush(e);
  }
  return NULL;
}

/* ---- JavaScript side -------------------------------------------------------------------------- */

#define CHECK(call)                                                                      \
  do {                                                                                   \
    if ((call) != napi_ok) return NULL;                                                  \
  } while (0)

static napi_value throw_invalid(napi_env env, const char *what) {
  napi_throw_type_error(env, "EINVAL", what);
  return NULL;
}

/*
 * Queues commands for the thread. They must be seen by `needed_by` (µs, monotonic; 0: now): the
 * thread is woken only when it sleeps past that. Probes scheduled a second ahead (nearly all)
 * so cost no wake-up: the thread takes them on its own next turn.
 */
static void push_cmds(struct engine *e, const struct cmd *cmds, size_t n, uint64_t needed_by) {
  pthread_mutex_lock(&e->lock);
  e->cmds = grow(e->cmds, &e->capcmds, e->ncmds + n, sizeof *e->cmds);
  memcpy(e->cmds + e->ncmds, cmds, n * sizeof *cmds);
  e->ncmds += n;
  int wake = e->sleep_until && needed_by < e->sleep_until && !e->woken;
  if (wake) e->woken = 1;
  pthread_mutex_unlock(&e->lock);
  if (wake) {
    uint64_t one = 1;
    if (write(e->evfd, &one, sizeof one) < 0) die("eventfd write");
  }
}

static void call_js(napi_env env, napi_value js_cb, void *context, void *data) {
  if (!env || !js_cb) return;
  napi_value undefined;
  if (napi_get_undefined(env, &undefined) != napi_ok) return;
  napi_call_function(env, undefined, js_cb, 0, NULL, NULL);
}

static void engine_stop(struct engine *e) {
  if (e->running) {
    struct cmd stop = {.kind = CMD_STOP};
    push_cmds(e, &stop, 1, 0);
    pthread_join(e->thread, NULL);
    e->running = 0;
  }
  if (e->closed) return;
  e->closed = 1;
  for (size_t i = 0; i < e->nslots; i++) {
    if (e->slots[i].fd >= 0) close(e->slots[i].fd);
    free(e->slots[i].request);
    /* After close(): a probe that passed would try to say goodbye on the closed socket. */
    if (e->slots[i].tls && e->slots[i].tls->ssl) {
      SSL_free(e->slots[i].tls->ssl);
      e->slots[i].tls->ssl = NULL;
    }
    tls_target_free(e->slots[i].tls);
    head_free(&e->slots[i].head);
  }
  free(e->slots);
  e->slots = NULL;
  e->nslots = e->capslots = 0;
  for (size_t i = 0; i < e->nnetns; i++) {
    if (e->netns[i].fd >= 0) close(e->netns[i].fd);
    pool_free(&e->netns[i].pool[0]);
    pool_free(&e->netns[i].pool[1]);
  }
  pool_free(&e->own_pool[0]);
  pool_free(&e->own_pool[1]);
  free(e->owner);
  e->owner = NULL;
  e->nowner = 0;
  free(e->netns);
  e->netns = NULL;
  for (size_t k = 0; k < e->ncmds; k++)
    if (e->cmds[k].spec) {
      free(e->cmds[k].spec->request);
      tls_target_free(e->cmds[k].spec->tls);
      free(e->cmds[k].spec);
    }
  free(e->cmds);
  e->cmds = NULL;
  for (size_t k = 0; k < e->out.len; k++) free(e->out.items[k].text);
  for (size_t k = 0; k < e->staged.len; k++) free(e->staged.items[k].text);
  free(e->out.items);
  free(e->staged.items);
  e->out.items = e->staged.items = NULL;
  free(e->heap);
  e->heap = NULL;
  for (size_t k = 0; k < e->ntls_ctxs; k++) SSL_CTX_free(e->tls_ctxs[k]);
  free(e->tls_ctxs);
  e->tls_ctxs = NULL;
  e->ntls_ctxs = 0;
  free(e->scratch);
  e->scratch = NULL;
  if (e->own_ns >= 0) close(e->own_ns);
  close(e->epfd);
  close(e->evfd);
  napi_release_threadsafe_function(e->tsfn, napi_tsfn_abort);
}

static void cleanup_hook(void *arg) { engine_stop(arg); }

static void finalize(napi_env env, void *data, void *hint) {
  struct engine *e = data;
  if (!e->closed) {
    napi_remove_env_cleanup_hook(env, cleanup_hook, e);
    engine_stop(e);
  }
  pthread_mutex_destroy(&e->lock);
  free(e);
}

static struct engine *this_engine(napi_env env, napi_callback_info info, size_t *argc, napi_value *argv) {
  napi_value self;
  void *data;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, &data) != napi_ok) return NULL;
  struct engine *e = data;
  if (e->closed) {
    napi_throw_error(env, "ECLOSED", "probe engine closed");
    return NULL;
  }
  return e;
}

/*
 * new ProbeEngine(onResults: () => void, batchMs: number, startWindowMs: number,
 * sessionMaxAgeMs: number)
 */
static napi_value engine_new(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4], self, name;
  uint32_t batch_ms = 0, window_ms = 0, session_max_age_ms = 0;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  napi_valuetype t;
  if (argc < 3 || napi_typeof(env, argv[0], &t) != napi_ok || t != napi_function ||
      napi_get_value_uint32(env, argv[1], &batch_ms) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &window_ms) != napi_ok ||
      (argc > 3 && napi_get_value_uint32(env, argv[3], &session_max_age_ms) != napi_ok))
    return throw_invalid(env, "ProbeEngine(onResults, batchMs, startWindowMs, sessionMaxAgeMs)");
  struct engine *e = calloc(1, sizeof *e);
  if (!e) return throw_invalid(env, "out of memory");
  pthread_mutex_init(&e->lock, NULL);
  e->env = env;
  e->batch_us = (uint64_t)batch_ms * 1000u;
  e->window_us = (uint64_t)window_ms * 1000u;
  e->session_max_age_us = (uint64_t)session_max_age_ms * 1000u;
  e->own_ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  e->current_ns = -1;
  e->scratch = malloc(READ_CHUNK);
  e->epfd = epoll_create1(EPOLL_CLOEXEC);
  e->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  struct epoll_event wake = {EPOLLIN, {.u64 = WAKE_TAG}};
  if (!e->scratch || e->epfd < 0 || e->evfd < 0 || epoll_ctl(e->epfd, EPOLL_CTL_ADD, e->evfd, &wake) < 0) {
    int err = errno;
    if (e->epfd >= 0) close(e->epfd);
    if (e->evfd >= 0) close(e->evfd);
    if (e->own_ns >= 0) close(e->own_ns);
    free(e->scratch);
    free(e);
    napi_throw_error(env, strerrorname_np(err), strerror(err));
    return NULL;
  }
  CHECK(napi_create_string_utf8(env, "maglev probe engine", NAPI_AUTO_LENGTH, &name));
  CHECK(napi_create_threadsafe_function(env, argv[0], NULL, name, 0, 1, NULL, NULL, e, call_js, &e->tsfn));
  /* Results keep the process alive only while JavaScript has probes going (ref()). */
  CHECK(napi_unref_threadsafe_function(env, e->tsfn));
  if (pthread_create(&e->thread, NULL, engine_main, e)) die("pthread_create");
  e->running = 1;
  CHECK(napi_wrap(env, self, e, finalize, NULL, NULL));
  CHECK(napi_add_env_cleanup_hook(env, cleanup_hook, e));
  return self;
}

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

/* "10.0.0.1", "2001:db8::1" or "fe80::1%eth0" (with a port) → sockaddr; 0 or -1. */
static int parse_addr(int af, const char *s, unsigned port, union inet_sockaddr *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (af == AF_INET) {
    struct sockaddr_in *sin = &ss->in;
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t)port);
    *len = sizeof *sin;
    return inet_pton(AF_INET, s, &sin->sin_addr) == 1 ? 0 : -1;
  }
  struct sockaddr_in6 *sin6 = &ss->in6;
  char host[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  snprintf(host, sizeof host, "%s", s);
  char *pct = strchr(host, '%');
  if (pct) {
    *pct = 0;
    sin6->sin6_scope_id = if_nametoindex(pct + 1);
    if (!sin6->sin6_scope_id) return -1;
  }
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons((uint16_t)port);
  *len = sizeof *sin6;
  return inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1 ? 0 : -1;
}

static char *dup_string(napi_env env, napi_value v, int *bad) {
  size_t n;
  napi_valuetype type;
  if (napi_typeof(env, v, &type) != napi_ok || type == napi_null || type == napi_undefined) return NULL;
  if (type != napi_string || napi_get_value_string_utf8(env, v, NULL, 0, &n) != napi_ok) {
    *bad = 1;
    return NULL;
  }
  char *s = malloc(n + 1);
  if (!s || napi_get_value_string_utf8(env, v, s, n + 1, &n) != napi_ok) {
    free(s);
    *bad = 1;
    return NULL;
  }
  return s;
}

/* A target's TLS settings from [context, sni|null, verifyName, statusMin, statusMax]. */
static struct tls_target *tls_target_of(napi_env env, struct engine *e, napi_value v) {
  napi_value item[5];
  uint32_t context, status_min, status_max;
  for (uint32_t k = 0; k < 5; k++)
    if (napi_get_element(env, v, k, &item[k]) != napi_ok) return NULL;
  if (napi_get_value_uint32(env, item[0], &context) != napi_ok || context >= e->ntls_ctxs ||
      napi_get_value_uint32(env, item[3], &status_min) != napi_ok ||
      napi_get_value_uint32(env, item[4], &status_max) != napi_ok)
    return NULL;
  struct tls_target *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  int bad = 0;
  t->sni = dup_string(env, item[1], &bad);
  t->verify_name = dup_string(env, item[2], &bad);
  if (bad || !t->verify_name) {
    tls_target_free(t);
    return NULL;
  }
  unsigned char ip[sizeof(struct in6_addr)];
  t->verify_is_ip = inet_pton(AF_INET, t->verify_name, ip) == 1 || inet_pton(AF_INET6, t->verify_name, ip) == 1;
  t->status_min = status_min;
  t->status_max = status_max;
  SSL_CTX_up_ref(e->tls_ctxs[context]);
  t->ctx = e->tls_ctxs[context];
  return t;
}

/*
 * Node's verify callback: every certificate is accepted during the handshake and judged after it
 * (tls_verified()). Verification so goes on past the first error, and the result is the last
 * error found, as Node reports it (a leaf from an unknown CA: UNABLE_TO_VERIFY_LEAF_SIGNATURE,
 * where verification stopping at the first error would say UNABLE_TO_GET_ISSUER_CERT_LOCALLY).
 */
static int accept_any_chain(int preverify_ok, X509_STORE_CTX *ctx) { return 1; }

/*
 * tlsContext(caPem, cipherList, cipherSuites) → a number for setTarget's tls. The trusted CAs
 * (as tls.createSecureContext({ca}) or Node's root store) and Node's default ciphers, so a
 * handshake offers and accepts what the JavaScript probe's would.
 */
static napi_value engine_tls_context(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  struct engine *e = this_engine(env, info, &argc, argv);
  if (!e) return NULL;
  int bad = argc < 3;
  char *pem = bad ? NULL : dup_string(env, argv[0], &bad);
  char *list = bad ? NULL : dup_string(env, argv[1], &bad);
  char *suites = bad ? NULL : dup_string(env, argv[2], &bad);
  SSL_CTX *ctx = bad || !pem ? NULL : SSL_CTX_new(TLS_client_method());
  int ok = ctx != NULL;
  if (ok) {
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any_chain);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    /* The end of the stream without close_notify is the end of the stream, as for Node. */
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, new_session);
    if (list && list[0]) ok = SSL_CTX_set_cipher_list(ctx, list);
    if (ok && suites) ok = SSL_CTX_set_ciphersuites(ctx, suites);
    X509_STORE *store = SSL_CTX_get_cert_store(ctx);
    BIO *bio = ok ? BIO_new_mem_buf(pem, -1) : NULL;
    X509 *cert;
    ok = ok && bio;
    while (ok && (cert = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
      X509_STORE_add_cert(store, cert);
      X509_free(cert);
    }
    BIO_free(bio);
    ERR_clear_error();
  }
  free(pem);
  free(list);
  free(suites);
  if (!ok) {
    if (ctx) SSL_CTX_free(ctx);
    return throw_invalid(env, "tlsContext(caPem, cipherList, cipherSuites)");
  }
  e->tls_ctxs = realloc(e->tls_ctxs, (e->ntls_ctxs + 1) * sizeof *e->tls_ctxs);
  if (!e->tls_ctxs) die("out of memory");
  e->tls_ctxs[e->ntls_ctxs] = ctx;
  CHECK(napi_create_uint32(env, (uint32_t)e->ntls_ctxs++, &result));
  return result;
}

/*
 * setTarget(slot, token, kind, family, address, port, source|null, netns|null, request|null,
 * timeoutMs, flags, tls|null). The token names this run of the slot: commands and results of
 * another are stale. timeoutMs 0: no deadline of the engine's own (expire() decides). tls (with
 * PE_FLAG_TLS): [context from tlsContext(), SNI|null, name to verify, lowest and highest status
 * that passes].
 */
static napi_value engine_set_target(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  struct engine *e = this_engine(env, info, &argc, argv);
  if (!e) return NULL;
  uint32_t slot, token, kind, family, port, timeout_ms, flags;
  char address[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], source[INET6_ADDRSTRLEN + IF_NAMESIZE + 2];
  struct target_spec *t = calloc(1, sizeof *t);
  if (!t) return throw_invalid(env, "out of memory");
  if (argc < 11 || napi_get_value_uint32(env, argv[0], &slot) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &token) != napi_ok ||
      napi_get_value_uint32(env, argv[2], &kind) != napi_ok || kind > PE_KIND_HTTP ||
      napi_get_value_uint32(env, argv[3], &family) != napi_ok || (family != 4 && family != 6) ||
      get_string(env, argv[4], address, sizeof address) || napi_get_value_uint32(env, argv[5], &port) != napi_ok ||
      port > 65535 || get_string(env, argv[6], source, sizeof source) ||
      get_string(env, argv[7], t->netns, sizeof t->netns) || strchr(t->netns, '/') ||
      napi_get_value_uint32(env, argv[9], &timeout_ms) != napi_ok ||
      napi_get_value_uint32(env, argv[10], &flags) != napi_ok) {
    free(t);
    return throw_invalid(env,
                         "setTarget(slot, token, kind, family, address, port, source, netns, request, timeoutMs, flags)");
  }
  t->token = token;
  t->kind = (unsigned char)kind;
  t->af = family == 4 ? AF_INET : AF_INET6;
  t->flags = flags;
  t->timeout_ms = timeout_ms;
  if (parse_addr(t->af, address, port, &t->addr, &t->addr_len)) {
    free(t);
    return throw_invalid(env, "setTarget: bad address");
  }
  if (source[0]) {
    if (parse_addr(t->af, source, 0, &t->src, &t->src_len)) {
      free(t);
      return throw_invalid(env, "setTarget: bad source address");
    }
    t->has_src = 1;
  }
  if ((flags & PE_FLAG_TLS) && (argc < 12 || !(t->tls = tls_target_of(env, e, argv[11])))) {
    free(t);
    return throw_invalid(env, "setTarget: tls [context, sni, verifyName, statusMin, statusMax]");
  }
  bool is_buffer = false;
  if (napi_is_buffer(env, argv[8], &is_buffer) == napi_ok && is_buffer) {
    void *data;
    size_t len;
    if (napi_get_buffer_info(env, argv[8], &data, &len) != napi_ok || !(t->request = malloc(len ? len : 1))) {
      tls_target_free(t->tls);
      free(t);
      return throw_invalid(env, "setTarget: request");
    }
    memcpy(t->request, data, len);
    t->request_len = len;
  }
  struct cmd c = {.kind = CMD_SET, .slot = slot, .spec = t};
  push_cmds(e, &c, 1, 0);
  return NULL;
}

static napi_value slot_command(napi_env env, napi_callback_info info, int kind) {
  size_t argc = 2;
  napi_value argv[2];
  struct engine *e = this_engine(env, info, &argc, argv);
  if (!e) return NULL;
  uint32_t slot, token = 0;
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &slot) != napi_ok ||
      (kind == CMD_EXPIRE && (argc < 2 || napi_get_value_uint32(env, argv[1], &token) != napi_ok)))
    return throw_invalid(env, "slot");
  struct cmd c = {.kind = kind, .slot = slot, .token = token};
  push_cmds(e, &c, 1, 0);
  return NULL;
}

/* dropTarget(slot): cancels its probe and forgets the target. */
static napi_value engine_drop_target(napi_env env, napi_callback_info info) { return slot_command(env, info, CMD_DROP); }
/* cancel(slot): ends the probe pending or in flight; no result follows. */
static napi_value engine_cancel(napi_env env, napi_callback_info info) { return slot_command(env, info, CMD_CANCEL); }
/* expire(slot, token): the probe's deadline has passed (for targets without an engine timeout). */
static napi_value engine_expire(napi_env env, napi_callback_info info) { return slot_command(env, info, CMD_EXPIRE); }

static int32_t *int32_array(napi_env env, napi_value v, size_t *length) {
  napi_typedarray_type type;
  void *data;
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, &data, &buffer, &offset) != napi_ok || type != napi_int32_array)
    return NULL;
  return data;
}

/*
 * schedule(entries: Int32Array, count): per entry slot, token, delay ms, and the seq of the probe
 * whose result this answers (-1: the run's first probe, `delay` from now).
 */
static napi_value engine_schedule(napi_env env, napi_callback_info info) {
  size_t argc = 2, length;
  napi_value argv[2];
  struct engine *e = this_engine(env, info, &argc, argv);
  if (!e) return NULL;
  uint32_t count;
  int32_t *v = argc < 2 ? NULL : int32_array(env, argv[0], &length);
  if (!v || napi_get_value_uint32(env, argv[1], &count) != napi_ok || (size_t)count * PE_SCHEDULE_INTS > length)
    return throw_invalid(env, "schedule(entries, count)");
  if (!count) return NULL;
  struct cmd *cmds = calloc(count, sizeof *cmds);
  if (!cmds) return throw_invalid(env, "out of memory");
  int32_t soonest = INT32_MAX;
  for (uint32_t k = 0; k < count; k++) {
    const int32_t *p = v + (size_t)k * PE_SCHEDULE_INTS;
    cmds[k] = (struct cmd){.kind = CMD_SCHEDULE, .slot = (uint32_t)p[0], .token = (uint32_t)p[1],
                           .delay_ms = p[2], .after_seq = p[3]};
    if (p[2] < soonest) soonest = p[2];
  }
  /*
   * A probe is due its delay after the previous one finished (earlier than now + delay by how
   * long the result took to get here, at most a batch) and may start a start window early.
   */
  uint64_t now = mono_us(), slack = e->batch_us + e->window_us + 5000;
  uint64_t ahead = soonest > 0 ? (uint64_t)soonest * 1000u : 0;
  push_cmds(e, cmds, count, ahead > slack ? now + ahead - slack : 0);
  free(cmds);
  return NULL;
}

/*
 * drain(out: Int32Array, texts: string[]) → records written. A record's text index points into
 * `texts` (appended to); call again while it returns a full buffer.
 */
static napi_value engine_drain(napi_env env, napi_callback_info info) {
  size_t argc = 2, length;
  napi_value argv[2], result;
  struct engine *e = this_engine(env, info, &argc, argv);
  if (!e) return NULL;
  int32_t *out = argc < 2 ? NULL : int32_array(env, argv[0], &length);
  uint32_t texts_len;
  if (!out || napi_get_array_length(env, argv[1], &texts_len) != napi_ok) return throw_invalid(env, "drain(out, texts)");
  size_t room = length / PE_RECORD_INTS, n;
  uint64_t now = mono_us();
  pthread_mutex_lock(&e->lock);
  n = e->out.len < room ? e->out.len : room;
  for (size_t k = 0; k < n; k++) {
    struct record *r = &e->out.items[k];
    if (r->text) {
      napi_value s;
      if (napi_create_string_latin1(env, r->text, r->text_len, &s) == napi_ok &&
          napi_set_element(env, argv[1], texts_len, s) == napi_ok)
        r->v[8] = (int32_t)texts_len++;
      free(r->text);
      r->text = NULL;
    }
    uint64_t age = now > r->ended_us ? now - r->ended_us : 0;
    r->v[9] = age > INT32_MAX ? INT32_MAX : (int32_t)age;
    memcpy(out + k * PE_RECORD_INTS, r->v, sizeof r->v);
  }
  memmove(e->out.items, e->out.items + n, (e->out.len - n) * sizeof *e->out.items);
  e->out.len -= n;
  if (!e->out.len) e->notified = 0;
  pthread_mutex_unlock(&e->lock);
  CHECK(napi_create_uint32(env, (uint32_t)n, &result));
  return result;
}

/* ref() / unref(): whether waiting results keep the process alive (JavaScript: while probing). */
static napi_value engine_ref(napi_env env, napi_callback_info info) {
  struct engine *e = this_engine(env, info, NULL, NULL);
  if (e) napi_ref_threadsafe_function(env, e->tsfn);
  return NULL;
}

static napi_value engine_unref(napi_env env, napi_callback_info info) {
  struct engine *e = this_engine(env, info, NULL, NULL);
  if (e) napi_unref_threadsafe_function(env, e->tsfn);
  return NULL;
}

/* close(): stops the thread, closes every socket. The engine cannot be used afterwards. */
static napi_value engine_close(napi_env env, napi_callback_info info) {
  struct engine *e = this_engine(env, info, NULL, NULL);
  if (!e) return NULL;
  napi_remove_env_cleanup_hook(env, cleanup_hook, e);
  engine_stop(e);
  return NULL;
}

napi_status probe_engine_register(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"setTarget", NULL, engine_set_target, NULL, NULL, NULL, napi_default, NULL},
      {"dropTarget", NULL, engine_drop_target, NULL, NULL, NULL, napi_default, NULL},
      {"tlsContext", NULL, engine_tls_context, NULL, NULL, NULL, napi_default, NULL},
      {"schedule", NULL, engine_schedule, NULL, NULL, NULL, napi_default, NULL},
      {"cancel", NULL, engine_cancel, NULL, NULL, NULL, napi_default, NULL},
      {"expire", NULL, engine_expire, NULL, NULL, NULL, napi_default, NULL},
      {"drain", NULL, engine_drain, NULL, NULL, NULL, napi_default, NULL},
      {"ref", NULL, engine_ref, NULL, NULL, NULL, napi_default, NULL},
      {"unref", NULL, engine_unref, NULL, NULL, NULL, napi_default, NULL},
      {"close", NULL, engine_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_value cls, protocol, version, record_ints, schedule_ints;
  napi_status status = napi_define_class(env, "ProbeEngine", NAPI_AUTO_LENGTH, engine_new, NULL,
                                         sizeof methods / sizeof methods[0], methods, &cls);
  if (status != napi_ok) return status;
  if ((status = napi_set_named_property(env, exports, "ProbeEngine", cls)) != napi_ok) return status;
  /* What this build speaks (probe_engine.h), checked by JavaScript when it loads the addon. */
  if ((status = napi_create_object(env, &protocol)) != napi_ok ||
      (status = napi_create_uint32(env, PE_PROTOCOL_VERSION, &version)) != napi_ok ||
      (status = napi_create_uint32(env, PE_RECORD_INTS, &record_ints)) != napi_ok ||
      (status = napi_create_uint32(env, PE_SCHEDULE_INTS, &schedule_ints)) != napi_ok ||
      (status = napi_set_named_property(env, protocol, "version", version)) != napi_ok ||
      (status = napi_set_named_property(env, protocol, "recordInts", record_ints)) != napi_ok ||
      (status = napi_set_named_property(env, protocol, "scheduleInts", schedule_ints)) != napi_ok)
    return status;
  return napi_set_named_property(env, exports, "probeEngineProtocol", protocol);
}
