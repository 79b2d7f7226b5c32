/* Reads the status of an HTTP/1.x response head; see probe_head.h. */
#include "probe_head.h"

#include <stdlib.h>
#include <string.h>

/*
 * The end of the head: the first LF followed by LF or by CR LF, searched from `from`. Sets the
 * head's length (up to and including that first LF) and where the body starts; -1 when the head
 * is not complete yet (as findHeadEnd in http-response.ts).
 */
static int find_head_end(const char *buf, size_t len, size_t from, size_t *head_end, size_t *body_start) {
  const char *p = from < len ? memchr(buf + from, '\n', len - from) : NULL;
  while (p) {
    size_t i = (size_t)(p - buf);
    if (i + 1 >= len) return -1;
    if (buf[i + 1] == '\n') {
      *head_end = i + 1;
      *body_start = i + 2;
      return 0;
    }
    if (buf[i + 1] == '\r') {
      if (i + 2 >= len) return -1;
      if (buf[i + 2] == '\n') {
        *head_end = i + 1;
        *body_start = i + 3;
        return 0;
      }
    }
    p = memchr(p + 1, '\n', len - i - 1);
  }
  return -1;
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/*
 * /^HTTP\/1\.[0-9] ([0-9]{3})(?:[ \t].*)?$/ on the line without its trailing CR; JavaScript's `.`
 * stops at CR and LF. Returns the status, or -1.
 */
static int parse_status_line(const char *line, size_t len) {
  if (len < 12 || memcmp(line, "HTTP/1.", 7) || !is_digit(line[7]) || line[8] != ' ' || !is_digit(line[9]) ||
      !is_digit(line[10]) || !is_digit(line[11]))
    return -1;
  if (len > 12) {
    if (line[12] != ' ' && line[12] != '\t') return -1;
    if (memchr(line + 13, '\r', len - 13)) return -1;
  }
  return (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
}

/* Keeps buf[0, len) as the unfinished head; buf may already point into r->buf. */
static int keep(struct head_reader *r, const char *buf, size_t len) {
  if (len > r->cap) {
    size_t cap = r->cap ? r->cap : 1024;
    while (cap < len) cap *= 2;
    char *grown = malloc(cap);
    if (!grown) return -1;
    memcpy(grown, buf, len);
    free(r->buf);
    r->buf = grown;
    r->cap = cap;
  } else if (buf != r->buf) {
    memmove(r->buf, buf, len);
  }
  r->len = len;
  return 0;
}

enum head_verdict head_push(struct head_reader *r, const char *data, size_t n) {
  const char *buf = data;
  size_t len = n, from = 0;
  if (r->len > 0) {
    /* A head split across reads is joined, and searched again from just before the join. */
    size_t had = r->len;
    if (had + n > r->cap) {
      size_t cap = r->cap;
      while (cap < had + n) cap *= 2;
      char *grown = realloc(r->buf, cap);
      if (!grown) return HEAD_TOO_LARGE;
      r->buf = grown;
      r->cap = cap;
    }
    memcpy(r->buf + had, data, n);
    buf = r->buf;
    len = had + n;
    from = had >= 3 ? had - 3 : 0;
  }
  for (;;) {
    size_t head_end, body_start;
    if (find_head_end(buf, len, from, &head_end, &body_start) < 0) {
      if (len > HEAD_MAX_BYTES) return HEAD_TOO_LARGE;
      if (keep(r, buf, len) < 0) return HEAD_TOO_LARGE;
      return HEAD_MORE;
    }
    r->len = 0;
    if (head_end > HEAD_MAX_BYTES) return HEAD_TOO_LARGE;
    const char *lf = memchr(buf, '\n', head_end);
    size_t line_len = (size_t)(lf - buf);
    if (line_len > 0 && buf[line_len - 1] == '\r') line_len--;
    int status = parse_status_line(buf, line_len);
    if (status < 0) {
      r->bad_len = line_len < HEAD_BAD_LINE_KEEP ? line_len : HEAD_BAD_LINE_KEEP;
      memcpy(r->bad_line, buf, r->bad_len);
      return HEAD_BAD_STATUS_LINE;
    }
    if (status >= 100 && status < 200 && status != 101) {
      /* An interim response: the final one follows on the same connection. */
      buf += body_start;
      len -= body_start;
      from = 0;
      if (len == 0) return HEAD_MORE;
      continue;
    }
    r->status = status;
    return HEAD_STATUS;
  }
}

size_t head_pending(const struct head_reader *r) { return r->len; }

void head_reset(struct head_reader *r) {
  r->len = 0;
  r->status = 0;
  r->bad_len = 0;
}

void head_free(struct head_reader *r) {
  free(r->buf);
  r->buf = NULL;
  r->len = r->cap = 0;
}
