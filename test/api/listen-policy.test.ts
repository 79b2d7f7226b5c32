// Where maglevd may serve gRPC in plaintext: loopback and unix sockets, decided from the text
// alone; the wildcard, other addresses and other names need TLS or --grpc-insecure.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isLocalListenAddress, plaintextRefusal } from '../../src/api/index.js';

void describe('isLocalListenAddress', () => {
  void test('loopback in every spelling maglevd takes, and unix sockets, are local', () => {
    for (const addr of [
      'localhost:9090',
      'LocalHost:9090',
      '127.0.0.1:9090',
      '127.255.255.254:0',
      '[::1]:9090',
      '[0:0:0:0:0:0:0:1]:9090',
      '[::ffff:127.0.0.1]:9090',
      'unix:/run/maglevd/grpc.sock',
      'unix-abstract:maglevd',
    ]) {
      assert.equal(isLocalListenAddress(addr), true, addr);
    }
  });

  void test('the wildcard, other addresses and names are not', () => {
    for (const addr of [
      ':9090',
      '[::]:9090',
      '0.0.0.0:9090',
      '128.0.0.1:9090',
      '10.0.0.1:9090',
      '[::2]:9090',
      '[::ffff:10.0.0.1]:9090',
      '[fe80::1]:9090',
      'lb1.example:9090',
      'localhost.example:9090',
      'ip6-localhost:9090',
    ]) {
      assert.equal(isLocalListenAddress(addr), false, addr);
    }
  });
});

void describe('plaintextRefusal', () => {
  void test('refuses plaintext off loopback only, and says how to go on', () => {
    assert.equal(
      plaintextRefusal(':9090', false, false),
      '--grpc-addr :9090 is not a loopback address, and gRPC without TLS would let anyone who reaches ' +
        'it drive the load balancer: give --grpc-tls-cert and --grpc-tls-key, or --grpc-insecure to ' +
        'serve plaintext anyway',
    );
    assert.equal(plaintextRefusal(':9090', true, false), undefined, 'TLS');
    assert.equal(plaintextRefusal(':9090', false, true), undefined, '--grpc-insecure');
    assert.equal(plaintextRefusal('localhost:9090', false, false), undefined);
    assert.equal(plaintextRefusal('', false, false), undefined, 'gRPC off');
  });
});
