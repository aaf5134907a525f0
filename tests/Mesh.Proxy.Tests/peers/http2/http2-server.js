'use strict';
// Node's own HTTP/2 server (nghttp2 underneath) on 127.0.0.1, over h2c or, with options.tls, over TLS with ALPN h2.
// It announces SETTINGS_MAX_CONCURRENT_STREAMS only when options.maxConcurrentStreams is given (nghttp2's default
// is to leave it out: unlimited). Each request is held as stream-counter.js describes, then answered 200 "ok".
const fs = require('fs');
const http2 = require('http2');
const { createCounter, serve, options } = require('./stream-counter');

const config = options();
const counter = createCounter(config);
const settings = config.maxConcurrentStreams === undefined ? {} : { maxConcurrentStreams: config.maxConcurrentStreams };
const server = config.tls
  ? http2.createSecureServer({ cert: fs.readFileSync(config.tls.cert), key: fs.readFileSync(config.tls.key), settings })
  : http2.createServer({ settings });

const connections = new WeakMap();
let sessions = 0;
server.on('session', session => connections.set(session, ++sessions));

server.on('stream', async stream => {
  const connection = connections.get(stream.session);
  let open = true;
  const leave = () => {
    if (open) {
      open = false;
      counter.leave(connection);
    }
  };

  // A stream counts until the server answers it, or until it closes should the client abandon it first.
  stream.on('close', leave);
  await counter.arrive(connection);
  leave();
  if (!stream.destroyed) {
    stream.respond({ ':status': 200, 'content-type': 'text/plain' });
    stream.end('ok');
  }
});

server.listen(0, '127.0.0.1', () => serve(counter, server.address().port));
