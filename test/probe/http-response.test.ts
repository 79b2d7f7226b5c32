import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HttpResponseReader, MAX_HEAD_BYTES, type ReadProgress } from '../../src/probe/http-response.js';
import { httpRequestHead, RequestHeadCache } from '../../src/probe/http-request.js';
import { healthcheck } from '../helpers/index.js';

interface Outcome {
  progress: ReadProgress;
  status: number | undefined;
  body: string;
  error: string | undefined;
}

/** Feeds `response` in pieces cut at `cuts`, stopping once the reader has decided; then closes. */
function read(response: string | Buffer, bodyLimit: number, cuts: number[] = [], close = true): Outcome {
  const bytes = typeof response === 'string' ? Buffer.from(response, 'latin1') : response;
  const reader = new HttpResponseReader(bodyLimit);
  let progress: ReadProgress = 'head';
  let at = 0;
  for (const cut of [...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length]) {
    if (cut <= at) continue;
    progress = reader.push(bytes.subarray(at, cut));
    at = cut;
    if (progress === 'done' || progress === 'malformed') break;
  }
  if (close && (progress === 'head' || progress === 'body')) progress = reader.end();
  const body = progress === 'done' ? reader.body().toString('latin1') : '';
  return { progress, status: reader.status, body, error: reader.error };
}

const done = (status: number, body = ''): Outcome => ({ progress: 'done', status, body, error: undefined });

void describe('HttpResponseReader', () => {
  const cases: [string, string, number, Outcome][] = [
    ['status only, body not wanted', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 0, done(200)],
    ['Content-Length body', 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello', 100, done(200, 'hello')],
    [
      'bytes past Content-Length are not body',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA',
      100,
      done(200, 'ok'),
    ],
    ['Content-Length 0', 'HTTP/1.1 503 Busy\r\nContent-Length: 0\r\n\r\n', 100, done(503)],
    [
      'chunked body with extensions',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n',
      100,
      done(200, 'hello world'),
    ],
    [
      'chunked wins over Content-Length',
      'HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      100,
      done(200, 'ok'),
    ],
    ['body until close', 'HTTP/1.0 200 OK\r\n\r\nuntil the end', 100, done(200, 'until the end')],
    ['bare LF line ends', 'HTTP/1.1 200 OK\nContent-Length: 2\n\nok', 100, done(200, 'ok')],
    ['no reason phrase', 'HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n', 100, done(404)],
    [
      'interim 1xx responses are skipped',
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      100,
      done(200, 'ok'),
    ],
    [
      'without a body wanted, headers are not judged',
      'HTTP/1.1 200 OK\r\n: x\r\nContent-Length: -1\r\n\r\n',
      0,
      done(200),
    ],
    ['204 has no body', 'HTTP/1.1 204 No Content\r\n\r\n', 100, done(204)],
    [
      'the body is cut at bodyLimit',
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789',
      4,
      done(200, '0123'),
    ],
    [
      'the body limit applies across chunks',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n',
      5,
      done(200, 'abcde'),
    ],
    [
      'obsolete folded header lines are ignored',
      'HTTP/1.1 200 OK\r\nX-Long: a\r\n  b\r\nContent-Length: 1\r\n\r\nz',
      100,
      done(200, 'z'),
    ],
    [
      'a header line folded with a tab is ignored too',
      'HTTP/1.1 200 OK\r\nX-Long: a\r\n\tb\r\nContent-Length: 1\r\n\r\nz',
      100,
      done(200, 'z'),
    ],
    ['a tab after the status code', 'HTTP/1.1 200\tOK\r\nContent-Length: 2\r\n\r\nok', 100, done(200, 'ok')],
    // 1xx responses other than 101 are interim; 101 is final (the connection changes protocol),
    // and so are 204 and 304, which have no body whatever their headers say.
    [
      'interim responses at the edges of 1xx: 100 and 199',
      'HTTP/1.1 199 Odd\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      100,
      done(200, 'ok'),
    ],
    ['a status below 100 is final', 'HTTP/1.1 099 Odd\r\nContent-Length: 2\r\n\r\nok', 100, done(99, 'ok')],
    [
      '101 is final, and what follows it is not a body',
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello',
      100,
      done(101),
    ],
    ['101 is final also without a body wanted', 'HTTP/1.1 101 Switching Protocols\r\n\r\n\x81', 0, done(101)],
    [
      '204 with a Content-Length has no body',
      'HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello',
      100,
      done(204),
    ],
    ['bytes after a 204 are not its body', 'HTTP/1.1 204 No Content\r\n\r\nstray', 100, done(204)],
    [
      '304 with the Content-Length of the resource has no body',
      'HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n',
      100,
      done(304),
    ],
    ['bytes after a 304 are not its body', 'HTTP/1.1 304 Not Modified\r\n\r\nstray', 100, done(304)],
    [
      'a Transfer-Encoding whose last coding is not chunked: the body runs until close',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n2\r\nok',
      100,
      done(200, '2\r\nok'),
    ],
    [
      'a header after Transfer-Encoding does not undo it',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer: x\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      100,
      done(200, 'ok'),
    ],
    [
      'chunked wins over a Content-Length of 0',
      'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      100,
      done(200, 'ok'),
    ],
    [
      'a folded line of one space, with bare LF line ends',
      'HTTP/1.1 200 OK\n \nContent-Length: 2\n\nok',
      100,
      done(200, 'ok'),
    ],
    [
      'a header line that starts with a bare CR does not end the head',
      'HTTP/1.1 200 OK\r\n\rX: y\r\nContent-Length: 2\r\n\r\nok',
      100,
      done(200, 'ok'),
    ],
    [
      'the last Transfer-Encoding line decides',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabcdef',
      100,
      done(200, 'abc'),
    ],
    [
      'Transfer-Encoding names and codings in any case, with spaces',
      'HTTP/1.1 200 OK\r\nTRANSFER-encoding:  gzip ,  CHUNKED  \r\n\r\n2\r\nok\r\n0\r\n\r\n',
      100,
      done(200, 'ok'),
    ],
    [
      'header names in any case, with spaces around the name and the value',
      'HTTP/1.1 200 OK\r\n content-LENGTH :\t 2 \r\n\r\nokEXTRA',
      100,
      done(200, 'ok'),
    ],
    [
      'the same Content-Length twice, once with a leading zero',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 02\r\n\r\nokEXTRA',
      100,
      done(200, 'ok'),
    ],
    [
      'a chunk size in upper or lower case, with spaces before its extension',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA \t;ext\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n',
      100,
      done(200, '0123456789abcdefghijk'),
    ],
    [
      'chunk data closed by a bare LF',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\nok\n0\n\n',
      100,
      done(200, 'ok'),
    ],
  ];
  for (const [name, response, limit, expected] of cases) {
    void test(name, () => assert.deepEqual(read(response, limit), expected));
  }

  const malformed: [string, string, number, string][] = [
    ['not HTTP', 'this is not http\r\n\r\n', 0, 'status line "this is not http" is not HTTP/1.x'],
    ['HTTP/2 status line', 'HTTP/2 200\r\n\r\n', 0, 'status line "HTTP/2 200" is not HTTP/1.x'],
    ['a two-digit status', 'HTTP/1.1 20 OK\r\n\r\n', 0, 'status line "HTTP/1.1 20 OK" is not HTTP/1.x'],
    ['nothing at all', '', 0, 'empty (connection closed before the status line)'],
    [
      'closed inside the headers',
      'HTTP/1.1 200 OK\r\nContent-Le',
      0,
      'truncated (connection closed inside the headers, after 27 bytes)',
    ],
    [
      'closed inside a Content-Length body',
      'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc',
      100,
      'truncated (connection closed inside the body)',
    ],
    [
      'closed inside a chunked body',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab',
      100,
      'truncated (connection closed inside the body)',
    ],
    ['a header without a name', 'HTTP/1.1 200 OK\r\n: x\r\n\r\n', 100, 'header line ": x" has no name'],
    ['a bad Content-Length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 100, 'bad Content-Length "-1"'],
    [
      'conflicting Content-Lengths',
      'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n',
      100,
      'bad Content-Length "2"',
    ],
    [
      'a bad chunk size',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      100,
      'bad chunk size "zz"',
    ],
    [
      'chunk data without its CRLF',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nokX',
      100,
      'chunk data not followed by CRLF',
    ],
    [
      'control bytes are shown as ?',
      'HTTP/1.1 200\x00OK\r\n\r\n',
      0,
      'status line "HTTP/1.1 200?OK" is not HTTP/1.x',
    ],
    [
      'bytes outside printable ASCII are shown as ?, the printable edges as they are',
      'HTTP/1.1 200\x1f\x7f\xff\x80 ~!\r\n\r\n',
      0,
      'status line "HTTP/1.1 200???? ~!" is not HTTP/1.x',
    ],
    [
      'text before the status line',
      'XHTTP/1.1 200 OK\r\n\r\n',
      0,
      'status line "XHTTP/1.1 200 OK" is not HTTP/1.x',
    ],
    ['a four-digit status', 'HTTP/1.1 2000 OK\r\n\r\n', 0, 'status line "HTTP/1.1 2000 OK" is not HTTP/1.x'],
    [
      'a minor version that is not a digit',
      'HTTP/1.x 200 OK\r\n\r\n',
      0,
      'status line "HTTP/1.x 200 OK" is not HTTP/1.x',
    ],
    [
      'no space after the version',
      'HTTP/1.1200 OK\r\n\r\n',
      0,
      'status line "HTTP/1.1200 OK" is not HTTP/1.x',
    ],
    [
      'a status line of 40 characters is quoted whole',
      `HTTP/1.1 20 ${'x'.repeat(28)}\r\n\r\n`,
      0,
      `status line "HTTP/1.1 20 ${'x'.repeat(28)}" is not HTTP/1.x`,
    ],
    [
      'a longer one is cut after 40 characters',
      `HTTP/1.1 20 ${'x'.repeat(28)}yz\r\n\r\n`,
      0,
      `status line "HTTP/1.1 20 ${'x'.repeat(28)}..." is not HTTP/1.x`,
    ],
    [
      'a header line without a colon',
      'HTTP/1.1 200 OK\r\nGarbage\r\n\r\n',
      100,
      'header line "Garbage" has no name',
    ],
    [
      'a Content-Length with a sign',
      'HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\n',
      100,
      'bad Content-Length "+5"',
    ],
    [
      'a Content-Length with a trailing word',
      'HTTP/1.1 200 OK\r\nContent-Length: 5 bytes\r\n\r\n',
      100,
      'bad Content-Length "5 bytes"',
    ],
    [
      'a chunk size after a letter',
      `${'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'}g5\r\n`,
      100,
      'bad chunk size "g5"',
    ],
    [
      'a chunk size with a trailing word',
      `${'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'}5x\r\n`,
      100,
      'bad chunk size "5x"',
    ],
    [
      'closed after an interim response, before the final one',
      'HTTP/1.1 100 Continue\r\n\r\n',
      100,
      'empty (connection closed before the status line)',
    ],
  ];
  for (const [name, response, limit, error] of malformed) {
    void test(`malformed: ${name}`, () => {
      const out = read(response, limit);
      assert.deepEqual([out.progress, out.error], ['malformed', error]);
    });
  }

  void test('a head larger than MAX_HEAD_BYTES is malformed, also when it never ends', () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n`;
    for (const response of [big, `${big}\r\n`]) {
      const out = read(response, 0, [100, 8000], false);
      assert.deepEqual(
        [out.progress, out.error],
        ['malformed', `headers larger than ${MAX_HEAD_BYTES} bytes`],
      );
    }
  });

  // The limits, at their edges, as fixed numbers: a changed limit must fail here.
  const CHUNKED = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';

  void test('a head of 16 384 bytes is read, one byte more is refused', () => {
    const head = (bytes: number): string => {
      const start = 'HTTP/1.1 200 OK\r\nX-Pad: ';
      // The head ends with the LF before the empty line: start + pad + CRLF is `bytes` long.
      return `${start}${'a'.repeat(bytes - start.length - 2)}\r\n`;
    };
    assert.equal(MAX_HEAD_BYTES, 16_384);
    assert.deepEqual(read(`${head(16_384)}\r\n`, 0), done(200));
    const over = read(`${head(16_385)}\r\n`, 0);
    assert.deepEqual([over.progress, over.error], ['malformed', 'headers larger than 16384 bytes']);
    // Without its end: 16 384 bytes still wait for more, one more byte is refused at once.
    assert.equal(read(head(16_384), 0, [], false).progress, 'head');
    assert.deepEqual(
      [read(`${head(16_384)}a`, 0, [], false).progress, read(`${head(16_384)}a`, 0, [], false).error],
      ['malformed', 'headers larger than 16384 bytes'],
    );
  });

  void test('a chunk-size line of 1 024 bytes is read, a longer one is refused before it ends', () => {
    // "1;" + extension + CR: the line as counted, without its LF.
    const sizeLine = (bytes: number): string => `1;${'x'.repeat(bytes - 3)}\r`;
    assert.deepEqual(read(`${CHUNKED}${sizeLine(1_024)}\nz\r\n0\r\n\r\n`, 100), done(200, 'z'));
    const over = read(`${CHUNKED}${sizeLine(1_025)}\nz\r\n0\r\n\r\n`, 100);
    assert.deepEqual([over.progress, over.error], ['malformed', 'chunk-size line too long']);
    // A server that sends a size line forever is cut off while it is still sending.
    const endless = read(`${CHUNKED}1;${'x'.repeat(1_023)}`, 100, [60, 600], false);
    assert.deepEqual([endless.progress, endless.error], ['malformed', 'chunk-size line too long']);
    assert.equal(read(`${CHUNKED}1;${'x'.repeat(1_022)}`, 100, [60, 600], false).progress, 'body');
  });

  void test('a chunk size has at most 8 hex digits, a Content-Length at most 15 digits', () => {
    assert.equal(read(`${CHUNKED}fffffffF\r\nabc`, 100, [], false).progress, 'body');
    const nine = read(`${CHUNKED}0ffffffff\r\nabc`, 100, [], false);
    assert.deepEqual([nine.progress, nine.error], ['malformed', 'bad chunk size "0ffffffff"']);
    const length = (digits: string): string => `HTTP/1.1 200 OK\r\nContent-Length: ${digits}\r\n\r\nabc`;
    assert.equal(read(length('999999999999999'), 100, [], false).progress, 'body');
    const sixteen = read(length('0999999999999999'), 100, [], false);
    assert.deepEqual(
      [sixteen.progress, sixteen.error],
      ['malformed', 'bad Content-Length "0999999999999999"'],
    );
  });

  void test('the reader is done as soon as bodyLimit bytes are in, without waiting for the rest', () => {
    // Exactly bodyLimit bytes of a body framed by the close: done, the server need not close.
    assert.deepEqual(read('HTTP/1.0 200 OK\r\n\r\nabcd', 4, [], false), done(200, 'abcd'));
    assert.equal(read('HTTP/1.0 200 OK\r\n\r\nabc', 4, [], false).progress, 'body');
    // The limit counts across reads and chunks: 3 + 2 of 5, the chunk and the body unfinished.
    assert.deepEqual(read(`${CHUNKED}3\r\nabc\r\n3\r\ndef`, 5, [], false), done(200, 'abcde'));
    assert.deepEqual(read('HTTP/1.0 200 OK\r\n\r\nabcdef', 5, [20, 21, 22], false), done(200, 'abcde'));
  });

  void test('a head split after its first, second or third byte is read the same', () => {
    const response = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    for (const cut of [1, 2, 3])
      assert.deepEqual(read(response, 100, [cut]), done(200, 'ok'), `cut at ${cut}`);
  });

  void test('an empty read changes nothing', () => {
    const reader = new HttpResponseReader(100);
    assert.equal(reader.push(Buffer.alloc(0)), 'head');
    assert.equal(reader.push(Buffer.from('HTTP/1.0 200 OK\r\n\r\n')), 'body');
    assert.equal(reader.push(Buffer.alloc(0)), 'body');
    assert.equal(reader.push(Buffer.from('abc')), 'body');
    assert.equal(reader.end(), 'done');
    assert.equal(reader.body().toString(), 'abc');
  });

  void test('once decided, more bytes and the close change nothing', () => {
    const decided: [string, number][] = [
      ['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', 100],
      ['HTTP/1.0 200 OK\r\n\r\nabcd', 4],
      [`${CHUNKED}2\r\nok\r\n0\r\n\r\n`, 100],
      ['HTTP/1.1 204 No Content\r\n\r\n', 100],
      ['HTTP/1.1 200 OK\r\n\r\n', 0],
      ['this is not http\r\n\r\n', 100],
      ['HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n', 100],
      [`${CHUNKED}zz\r\n`, 100],
    ];
    for (const [response, limit] of decided) {
      const reader = new HttpResponseReader(limit);
      const progress = reader.push(Buffer.from(response, 'latin1'));
      assert.ok(progress === 'done' || progress === 'malformed', response);
      const before = { status: reader.status, error: reader.error, body: reader.body().toString('latin1') };
      assert.equal(reader.push(Buffer.from('HTTP/1.1 500 Later\r\n\r\nmore bytes\r\n')), progress, response);
      assert.equal(reader.end(), progress, response);
      assert.deepEqual(
        { status: reader.status, error: reader.error, body: reader.body().toString('latin1') },
        before,
      );
    }
  });

  void test('the status is known as soon as the head is, before the body arrives', () => {
    const reader = new HttpResponseReader(100);
    assert.equal(reader.push(Buffer.from('HTTP/1.1 503 Busy\r\nContent-Length: 4\r\n\r\n')), 'body');
    assert.equal(reader.status, 503);
    assert.equal(reader.push(Buffer.from('down')), 'done');
    assert.equal(reader.body().toString(), 'down');
  });

  void test('however the bytes are split, the outcome is the same', () => {
    const all = [
      ...cases.map(([, r, limit]) => [r, limit] as const),
      ...malformed.map(([, r, limit]) => [r, limit] as const),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.array(fc.nat({ max: 200 }), { maxLength: 12 }),
        ([response, limit], cuts) => {
          assert.deepEqual(read(response, limit, cuts), read(response, limit));
        },
      ),
      { numRuns: 500 },
    );
  });

  void test('split one byte at a time, every case still reads the same', () => {
    for (const [response, limit] of [...cases.map(([, r, l]) => [r, l] as const)]) {
      const everyByte = Array.from({ length: response.length }, (_, i) => i);
      assert.deepEqual(read(response, limit, everyByte), read(response, limit), response);
    }
  });
});

void describe('httpRequestHead', () => {
  void test('GET with Host, User-Agent, Accept and Connection: close', () => {
    assert.equal(
      httpRequestHead('/healthz?x=1', 'www.example.com:8080', 'vpp-maglev/1.0'),
      'GET /healthz?x=1 HTTP/1.1\r\nHost: www.example.com:8080\r\nUser-Agent: vpp-maglev/1.0\r\n' +
        'Accept: */*\r\nConnection: close\r\n\r\n',
    );
  });

  void test('bytes outside printable ASCII in the path are percent-encoded as UTF-8', () => {
    assert.match(httpRequestHead('/caf\u00e9/\u0001', 'h', 'ua'), /^GET \/caf%C3%A9\/%01 HTTP\/1\.1\r\n/);
  });

  void test('RequestHeadCache builds a head once per health check and address; a reloaded check gets its own', () => {
    const cache = new RequestHeadCache('ua');
    const hc = healthcheck({ type: 'http', port: 8080, params: { path: '/a' } });
    const first = cache.get(hc, '192.0.2.1', 8080, false);
    assert.equal(cache.get(hc, '192.0.2.1', 8080, false), first);
    assert.match(first.toString(), /^GET \/a HTTP\/1\.1\r\nHost: 192\.0\.2\.1:8080\r\nUser-Agent: ua\r\n/);
    assert.match(cache.get(hc, '2001:db8::1', 8080, false).toString(), /\r\nHost: \[2001:db8::1\]:8080\r\n/);
    const reloaded = healthcheck({
      type: 'http',
      port: 8080,
      params: { path: '/b', host: 'www.example.com' },
    });
    assert.match(
      cache.get(reloaded, '192.0.2.1', 8080, false).toString(),
      /^GET \/b HTTP\/1\.1\r\nHost: www\.example\.com:8080\r\n/,
    );
  });
});
