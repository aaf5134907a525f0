'use strict';
// @grpc/grpc-js as a client: `node client.js HOST:PORT SCENARIO` runs one scenario against the server and
// prints one JSON line with what it observed ({code, details, headers, trailers, ...}).
const { grpc, loadEcho, loadMesh, metadataToJson, pattern } = require('./common');

const [address, scenario] = process.argv.slice(2);
const echo = loadEcho();
const client = new echo.Echo(address, grpc.credentials.createInsecure());

const nonAsciiMessage = 'résumé ✓ 失败';

function requestMetadata() {
  const metadata = new grpc.Metadata();
  metadata.add('x-text', 'hello-meta');
  metadata.add('x-data-bin', Buffer.from([0, 1, 2, 253, 254, 255]));
  return metadata;
}

function deadlineIn(ms) {
  return new Date(Date.now() + ms);
}

// Resolves with the status, initial metadata and the replies of a call, whatever its shape.
function observe(call, extra = {}) {
  return new Promise((resolve) => {
    const result = { replies: [], headers: {}, ...extra };
    call.on('metadata', (metadata) => {
      result.headers = metadataToJson(metadata);
    });
    if (typeof call.on === 'function') {
      call.on('data', (reply) => result.replies.push(summarize(reply)));
      call.on('error', () => {});
    }
    call.on('status', (status) => {
      result.code = status.code;
      result.details = status.details;
      result.trailers = metadataToJson(status.metadata);
      resolve(result);
    });
  });
}

function summarize(reply) {
  return {
    message: reply.message,
    payloadLength: reply.payload ? reply.payload.length : 0,
    payloadBase64: reply.payload && reply.payload.length <= 64 ? reply.payload.toString('base64') : undefined,
    index: reply.index,
    receivedCount: reply.receivedCount,
    receivedBytes: reply.receivedBytes,
  };
}

function unary(request, metadata = new grpc.Metadata(), options = {}) {
  let reply = null;
  const call = client.Unary(request, metadata, options, (error, response) => {
    reply = error ? null : response;
  });
  return observe(call).then((result) => {
    if (reply) {
      result.replies.push(summarize(reply));
    }
    return result;
  });
}

const scenarios = {
  unary: () => unary({ message: 'hi', payload: Buffer.from([1, 2, 3]) }, requestMetadata()),

  'server-stream': () => observe(client.ServerStream({ message: 's', replyCount: 5 }, requestMetadata())),

  'client-stream': () => {
    let reply = null;
    const call = client.ClientStream(requestMetadata(), (error, response) => {
      reply = error ? null : response;
    });
    const done = observe(call);
    for (const size of [1, 10, 100, 1000]) {
      call.write({ message: `m${size}`, payload: pattern(size) });
    }
    call.end();
    return done.then((result) => {
      if (reply) {
        result.replies.push(summarize(reply));
      }
      return result;
    });
  },

  // Ping-pong: each request waits for its echo; payloads compared byte for byte.
  'bidi-sizes': () => new Promise((resolve) => {
    const sizes = [0, 10, 100000, 1048576];
    const call = client.Bidi(requestMetadata());
    const matched = [];
    const done = observe(call, { sizes });
    let next = 0;
    call.on('data', (reply) => {
      matched.push(Buffer.compare(reply.payload, pattern(sizes[next])) === 0);
      next++;
      if (next < sizes.length) {
        call.write({ message: `p${next}`, payload: pattern(sizes[next]) });
      } else {
        call.end();
      }
    });
    call.write({ message: 'p0', payload: pattern(sizes[0]) });
    done.then((result) => resolve({ ...result, matched, replies: result.replies.length }));
  }),

  // Long enough for the call to reach the server's handler even on a loaded machine.
  deadline: () => unary({ message: 'slow', delayMs: 30000 }, new grpc.Metadata(), { deadline: deadlineIn(2000) }),

  'cancel-bidi': () => new Promise((resolve) => {
    const call = client.Bidi(new grpc.Metadata());
    const done = observe(call);
    call.once('data', () => call.cancel());
    call.write({ message: 'first' });
    done.then(resolve);
  }),

  'error-status': () => unary({ message: 'fail', failCode: 9, failMessage: nonAsciiMessage }, requestMetadata()),

  'unknown-method': () => new Promise((resolve) => {
    const call = client.makeUnaryRequest('/test.v1.Echo/Nope', (x) => x, (x) => x, Buffer.alloc(0), () => {});
    observe(call).then(resolve);
  }),

  'unknown-service': () => new Promise((resolve) => {
    const call = client.makeUnaryRequest('/test.v1.Missing/Call', (x) => x, (x) => x, Buffer.alloc(0), () => {});
    observe(call).then(resolve);
  }),

  'oversized-request': () => unary({ message: 'big', payload: Buffer.alloc(5 * 1024 * 1024) }),

  'oversized-response': () => unary({ message: 'big', replySize: 5 * 1024 * 1024 }),

  // The real mesh.v1 protos: first request with the Node, ACK the response, read the follow-up, half-close.
  'config-stream': () => new Promise((resolve) => {
    const mesh = loadMesh();
    const discovery = new mesh.ConfigDiscovery(address, grpc.credentials.createInsecure());
    const call = discovery.StreamConfig();
    const responses = [];
    const done = observe(call);
    call.on('data', (response) => {
      responses.push(response);
      if (responses.length === 1) {
        call.write({ versionInfo: response.versionInfo, responseNonce: response.nonce });
      } else {
        call.end();
      }
    });
    call.write({
      node: { id: 'default/reviews-v1-abc', namespace: 'default', labels: { app: 'reviews', version: 'v1' }, serviceAccount: 'reviews', ip: '10.0.0.7' },
    });
    done.then((result) => resolve({ ...result, replies: undefined, responses }));
  }),
};

const run = scenarios[scenario];
if (!run) {
  process.stderr.write(`unknown scenario '${scenario}'\n`);
  process.exit(2);
}

run().then((result) => {
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}, (error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
