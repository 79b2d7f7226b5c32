/*
 * The head of an HTTP/1.x response, read as the probe engine needs it: the final status code and
 * nothing else. It follows src/probe/http-response.ts (HttpResponseReader without a body) rule for
 * rule, so both probe paths give the same verdict and the same detail; the shared scenario table in
 * test/probe/probe-paths.test.ts holds them to that.
 */
#ifndef PROBE_HEAD_H
#define PROBE_HEAD_H

#include <stddef.h>

/* Heads beyond this are refused (MAX_HEAD_BYTES in http-response.ts, as llhttp by default). */
#define HEAD_MAX_BYTES 16384
/* How much of a bad status line is kept for the detail (it shows at most 40 characters). */
#define HEAD_BAD_LINE_KEEP 64

enum head_verdict {
  HEAD_MORE,            /* the head is not complete: feed more bytes */
  HEAD_STATUS,          /* the final status is known (interim 1xx heads skipped) */
  HEAD_BAD_STATUS_LINE, /* the status line is not HTTP/1.x: bad_line holds it */
  HEAD_TOO_LARGE,       /* more than HEAD_MAX_BYTES without the end of the head */
};

struct head_reader {
  /* Bytes of an unfinished head, kept across reads (only when a head is split). */
  char *buf;
  size_t len, cap;
  int status;
  char bad_line[HEAD_BAD_LINE_KEEP];
  size_t bad_len;
};

/* Feeds the next bytes read from the connection. */
enum head_verdict head_push(struct head_reader *r, const char *data, size_t n);
/* Bytes of an unfinished head (0: none, the connection closed before any status line). */
size_t head_pending(const struct head_reader *r);
/* Forgets everything, keeps the buffer for the next response. */
void head_reset(struct head_reader *r);
void head_free(struct head_reader *r);

#endif
