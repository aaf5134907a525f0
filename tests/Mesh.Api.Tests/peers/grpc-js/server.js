'use strict';
// @grpc/grpc-js serving test.v1.Echo on 127.0.0.1 (ephemeral port). Prints {"port":N} first, then one JSON
// line per event the tests wait for ({"event":"cancelled","method":...}).
const { grpc, loadEcho, echoMetadata, pattern } = require('./common');

const echo = loadEcho();

function emit(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function reply(request, index) {
  return {
    message: request.message,
    payload: request.replySize > 0 ? pattern(request.replySize) : request.payload,
    index,
  };
}

function failure(request, metadata) {
  return { code: request.failCode, details: request.failMessage, metadata };
}

function watchCancel(call, method) {
  call.on('cancelled', () => emit({ event: 'cancelled', method }));
}

function delay(call, ms) {
  return new Promise((resolve) => {
    if (ms <= 0) {
      resolve();
      return;
    }
    const timer = setTimeout(resolve, ms);
    call.on('cancelled', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

const handlers = {
  Unary: async (call, callback) => {
    watchCancel(call, 'Unary');
    const metadata = echoMetadata(call.metadata);
    call.sendMetadata(metadata);
    await delay(call, call.request.delayMs);
    if (call.cancelled) {
      return;
    }
    if (call.request.failCode !== 0) {
      callback(failure(call.request, metadata));
      return;
    }
    callback(null, reply(call.request, 0), metadata);
  },
  ServerStream: async (call) => {
    watchCancel(call, 'ServerStream');
    const metadata = echoMetadata(call.metadata);
    call.sendMetadata(metadata);
    for (let i = 0; i < call.request.replyCount && !call.cancelled; i++) {
      await delay(call, call.request.delayMs);
      call.write(reply(call.request, i));
    }
    if (call.cancelled) {
      return;
    }
    if (call.request.failCode !== 0) {
      call.emit('error', failure(call.request, metadata));
      return;
    }
    call.end(metadata);
  },
  ClientStream: (call, callback) => {
    watchCancel(call, 'ClientStream');
    const metadata = echoMetadata(call.metadata);
    call.sendMetadata(metadata);
    let count = 0;
    let bytes = 0;
    let last = '';
    let failed = null;
    call.on('data', (request) => {
      count++;
      bytes += request.payload.length;
      last = request.message;
      if (request.failCode !== 0 && failed === null) {
        failed = request;
      }
    });
    call.on('end', () => {
      if (failed !== null) {
        callback(failure(failed, metadata));
        return;
      }
      callback(null, { message: last, receivedCount: count, receivedBytes: String(bytes) }, metadata);
    });
    call.on('error', () => {});
  },
  Bidi: (call) => {
    watchCancel(call, 'Bidi');
    const metadata = echoMetadata(call.metadata);
    call.sendMetadata(metadata);
    let index = 0;
    let queue = Promise.resolve();
    call.on('data', (request) => {
      queue = queue.then(async () => {
        if (call.cancelled) {
          return;
        }
        if (request.failCode !== 0) {
          call.emit('error', failure(request, metadata));
          return;
        }
        await delay(call, request.delayMs);
        call.write(reply(request, index++));
      });
    });
    call.on('end', () => {
      queue.then(() => {
        if (!call.cancelled) {
          call.end(metadata);
        }
      });
    });
    call.on('error', () => {});
  },
};

const server = new grpc.Server();
server.addService(echo.Echo.service, handlers);
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    process.stderr.write(`bind failed: ${error.message}\n`);
    process.exit(1);
  }
  emit({ port });
});

// The parent test kills us; also exit when it closes our stdin (parent died without killing us).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
